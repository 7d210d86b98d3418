using BulkData.DependencyInjection;

namespace BulkData.Pdf;

/// <summary>Registers the PDF report as an export format on <see cref="BulkDataBuilder"/>.</summary>
public static class BulkDataPdfBuilderExtensions
{
    /// <summary>
    /// Lets queued, scheduled and HTTP exports be asked for as <c>pdf</c>: a <see cref="PdfSink"/> report with these
    /// options. Call it before the scheduled exports that use it.
    /// </summary>
    /// <param name="builder">The BulkData builder.</param>
    /// <param name="configure">Sets the report's look; null for the defaults.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder AddPdfExport(this BulkDataBuilder builder, Action<PdfSinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddExportFormat("pdf", "application/pdf", output =>
        {
            var options = new PdfSinkOptions();
            configure?.Invoke(options);
            return PdfSink.ToStream(output, options);
        });
    }
}
