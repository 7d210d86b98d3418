namespace BulkData.Sources;

/// <summary>Whether a sheet shows in Excel's tabs.</summary>
public enum SheetVisibility
{
    /// <summary>Shown.</summary>
    Visible,

    /// <summary>Hidden; the user can unhide it.</summary>
    Hidden,

    /// <summary>Hidden by a program; only a program can unhide it.</summary>
    VeryHidden,
}
