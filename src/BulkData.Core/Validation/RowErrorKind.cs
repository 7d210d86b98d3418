namespace BulkData.Validation;

/// <summary>What kind of problem a <see cref="RowError"/> describes.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RowErrorKind>))]
public enum RowErrorKind
{
    /// <summary>The whole file: empty, unreadable, corrupt or over a limit.</summary>
    File,

    /// <summary>The header row: a missing required column or a duplicate header.</summary>
    Header,

    /// <summary>The shape of a row: too many or too few values, a broken quote, bad bytes.</summary>
    Structure,

    /// <summary>A value could not be converted to the column's type.</summary>
    Conversion,

    /// <summary>A value or row broke a validation rule.</summary>
    Validation,

    /// <summary>A lookup column's value names a record that does not exist (<c>LookUp</c>).</summary>
    Reference,
}
