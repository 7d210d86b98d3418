using BulkData.DependencyInjection;

namespace BulkData;

/// <summary>Registers the Excel 97-2003 reader as an import format on <see cref="BulkDataBuilder"/>.</summary>
public static class BulkDataXlsBuilderExtensions
{
    /// <summary>
    /// Lets queued and HTTP imports read <c>.xls</c> workbooks (Excel 97-2003) with <see cref="XlsSource"/>: an upload
    /// ending in <c>.xls</c>, or whose bytes are an Excel 97-2003 workbook, is queued as <c>xls</c>, and the job's
    /// <c>sheet</c> and <c>hasHeaderRow</c> parameters choose the sheet and say whether it has a header, as for
    /// <c>.xlsx</c>. Register it in every process that runs jobs.
    /// </summary>
    /// <param name="builder">The BulkData builder.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder AddXlsImport(this BulkDataBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddImportFormat("xls", [".xls"], (file, job) => XlsSource.FromStream(file, job.FileName, new XlsSourceOptions
        {
            SheetName = job.Parameters.GetValueOrDefault(Jobs.JobParameters.Sheet),
            HasHeaderRow = Jobs.JobParameters.HasHeaderRowOf(job),
        }));
    }
}
