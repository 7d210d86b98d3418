namespace BulkData;

/// <summary>
/// Thrown when a file goes over one of the limits that protect a server from hostile or runaway input
/// (size, decompressed size and ratio, entries, shared strings, columns, rows). The message names the
/// limit and the setting that raises it; nothing is half-written.
/// </summary>
public sealed class ImportLimitExceededException : ImportSourceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The setting holding the limit, e.g. <c>XlsxSourceOptions.MaxDecompressedBytes</c>.</param>
    /// <param name="maximum">The limit's value.</param>
    /// <param name="what">What went over it, for the message, e.g. "The workbook unpacks to more than".</param>
    /// <param name="unit">The unit of the limit, e.g. "bytes".</param>
    public ImportLimitExceededException(string limit, long maximum, string what, string unit)
        : base($"{what} {maximum:N0} {unit}, the limit set by {limit}. If the file is genuine, raise {limit}; otherwise it may be damaged or built to overload the server.")
    {
        Limit = limit;
        Maximum = maximum;
    }

    /// <summary>The setting holding the limit, e.g. <c>XlsxSourceOptions.MaxDecompressedBytes</c>.</summary>
    public string Limit { get; }

    /// <summary>The limit's value.</summary>
    public long Maximum { get; }
}
