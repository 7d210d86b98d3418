namespace BulkData.EntityFrameworkCore.Import;

/// <summary>
/// How a column's provider value is stored by SQLite, exactly as Microsoft.Data.Sqlite binds it (its
/// <c>SqliteValueBinder</c>): an integer, a real, text in Microsoft.Data.Sqlite's format, or a blob. Only the types
/// whose binding is known here have a kind; a column of any other type keeps Microsoft.Data.Sqlite's parameters.
/// The equivalence is a property test (<c>SqliteValueTests</c>): a library update that changes a format fails it.
/// </summary>
internal enum SqliteValueKind
{
    /// <summary>bool, byte, sbyte, short, ushort, int, uint, long: an INTEGER.</summary>
    Integer,

    /// <summary>double, float: a REAL (NaN refused, as Microsoft.Data.Sqlite does).</summary>
    Real,

    /// <summary>string: TEXT.</summary>
    Text,

    /// <summary>decimal: TEXT as <c>0.0###…</c>.</summary>
    Decimal,

    /// <summary>DateTime: TEXT as <c>yyyy-MM-dd HH:mm:ss.FFFFFFF</c>.</summary>
    DateTime,

    /// <summary>DateOnly: TEXT as <c>yyyy-MM-dd</c>.</summary>
    DateOnly,

    /// <summary>Guid: upper-case TEXT.</summary>
    GuidText,

    /// <summary>Guid stored as a BLOB (the parameter's type says so): its 16 bytes.</summary>
    GuidBlob,

    /// <summary>byte[]: a BLOB.</summary>
    Blob,
}
