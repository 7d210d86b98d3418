using BulkData.Sinks;

namespace BulkData.Sources;

/// <summary>
/// Where imported rows come from: a CSV, Excel or JSON file, or anything else that can yield a
/// header and rows of text cells. Implement it to import from a new format or system.
/// </summary>
public interface IImportSource
{
    /// <summary>A short format name recorded on the job, e.g. <c>csv</c>.</summary>
    string Format { get; }

    /// <summary>The file name or another label recorded on the job, when there is one.</summary>
    string? Name { get; }

    /// <summary>Opens the source and reads its header. Each call reads the source from the start.</summary>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>A reader positioned after the header.</returns>
    /// <exception cref="ImportSourceException">The source cannot be read (corrupt, wrong format).</exception>
    ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the sink that writes rows back in this source's own format, for the report of the rows an import
    /// rejected (<see cref="BulkData.Import.ImportErrorReport"/>), so a person fixes them in the tool they came
    /// from. Default: null, the format has no sink and the caller passes its own.
    /// </summary>
    /// <param name="output">The stream to write to; flushed, not closed.</param>
    /// <returns>The sink, or null.</returns>
    IExportSink? CreateReportSink(Stream output) => null;
}
