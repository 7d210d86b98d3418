namespace BulkData;

/// <summary>How an XLSX workbook is written.</summary>
public sealed class XlsxSinkOptions
{
    /// <summary>The worksheet's name. Default: <c>Sheet1</c>.</summary>
    public string SheetName { get; set; } = "Sheet1";

    /// <summary>
    /// Writes text once into the shared string table instead of inline in each cell: smaller files when
    /// values repeat, but memory grows with the number of distinct texts. Default: false.
    /// </summary>
    public bool SharedStrings { get; set; }

    /// <summary>
    /// Marks text starting with = + - @ tab or carriage return with Excel's quote prefix, so it stays text
    /// even when a user edits the cell. The value itself is unchanged. Default: true.
    /// </summary>
    public bool NeutralizeFormulas { get; set; } = true;

    /// <summary>Freezes the header row. Default: true.</summary>
    public bool FreezeHeader { get; set; } = true;

    /// <summary>Adds an auto filter over the header and rows. Default: true.</summary>
    public bool AutoFilter { get; set; } = true;
}
