using System.ComponentModel.DataAnnotations;

namespace BulkData;

/// <summary>Which sheet of an Excel 97-2003 workbook is read, and where its header is.</summary>
public sealed class XlsSourceOptions
{
    /// <summary>The sheet's name (any case). Default: null, the sheet at <see cref="SheetIndex"/>.</summary>
    public string? SheetName { get; set; }

    /// <summary>The 0-based position of the sheet when no name is given. Default: 0, the first sheet.</summary>
    [Range(0, int.MaxValue)]
    public int SheetIndex { get; set; }

    /// <summary>The 1-based spreadsheet row holding the header; rows above it are ignored. Default: 1.</summary>
    [Range(1, 65_536)]
    public int HeaderRow { get; set; } = 1;

    /// <summary>
    /// False for a sheet without a header row: data starts at <see cref="HeaderRow"/>, columns are named by
    /// their letters (A, B, ...) and mapped by the resource columns' <c>Position</c>. Default: true.
    /// </summary>
    public bool HasHeaderRow { get; set; } = true;

    /// <summary>The largest workbook file accepted, in bytes (a BIFF8 workbook is read whole). Default: 256 MiB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The password of a workbook encrypted with one the user gave; null for none (Excel's default password is always tried).</summary>
    public string? Password { get; set; }
}
