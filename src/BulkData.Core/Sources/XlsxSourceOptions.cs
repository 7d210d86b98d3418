namespace BulkData;

/// <summary>Which sheet of a workbook is read, and where its header is.</summary>
public sealed class XlsxSourceOptions
{
    /// <summary>The sheet's name (any case). Default: null, the sheet at <see cref="SheetIndex"/>.</summary>
    public string? SheetName { get; set; }

    /// <summary>The 0-based position of the sheet when no name is given. Default: 0, the first sheet.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int SheetIndex { get; set; }

    /// <summary>
    /// <see cref="HeaderRow"/> for a sheet whose header is not on its first row (a title and blank rows above it, as in a
    /// hand-made report): an import takes the row, among the first <see cref="HeaderRowCandidates"/> rows with values, that
    /// best matches the resource's columns, records it on the job (<c>headerRow</c>) and skips the rows above it.
    /// </summary>
    public const int FindHeaderRow = 0;

    /// <summary>How many rows with values an import looks at to find the header (<see cref="FindHeaderRow"/>).</summary>
    public const int HeaderRowCandidates = 20;

    /// <summary>These options on another sheet, with its header found.</summary>
    internal XlsxSourceOptions FindingHeaderOn(string sheet)
    {
        var copy = (XlsxSourceOptions)MemberwiseClone();
        (copy.SheetName, copy.HeaderRow, copy.HasHeaderRow) = (sheet, FindHeaderRow, true);
        return copy;
    }

    /// <summary>The 1-based spreadsheet row holding the header, rows above it ignored; <see cref="FindHeaderRow"/> (0) to find it. Default: 1.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, 1_048_576)]
    public int HeaderRow { get; set; } = 1;

    /// <summary>
    /// False for a sheet without a header row: data starts at <see cref="HeaderRow"/>, columns are named by
    /// their letters (A, B, ...) and mapped by the resource columns' <c>Position</c>. Default: true.
    /// </summary>
    public bool HasHeaderRow { get; set; } = true;

    /// <summary>The largest workbook file accepted, in bytes. Default: 256 MiB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most bytes the workbook's parts may unpack to, together (a ZIP bomb unpacks to far more). Default: 2 GiB.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, long.MaxValue)]
    public long MaxDecompressedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most a part may unpack to per byte it takes in the file, for parts over 1 MiB unpacked. Real
    /// sheets compress 5 to 50 times; a ZIP bomb a thousand times. Default: 200.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>The most entries the workbook's ZIP archive may hold. Default: 10,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxZipEntries { get; set; } = 10_000;

    /// <summary>The most shared texts the workbook may hold (they are kept in memory while reading). Default: 2,000,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, int.MaxValue)]
    public int MaxSharedStrings { get; set; } = 2_000_000;

    /// <summary>The most characters the shared texts may hold together (two bytes each in memory). Default: 32,000,000.</summary>
    [System.ComponentModel.DataAnnotations.Range(0, long.MaxValue)]
    public long MaxSharedStringChars { get; set; } = 32_000_000;
}
