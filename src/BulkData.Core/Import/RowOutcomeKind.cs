namespace BulkData.Import;

/// <summary>What became of one row.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RowOutcomeKind>))]
public enum RowOutcomeKind
{
    /// <summary>Valid, but not written (a preview, a dry run, or an all-or-nothing import that failed).</summary>
    Valid,

    /// <summary>Had errors; not written.</summary>
    Invalid,

    /// <summary>Written as a new record.</summary>
    Created,

    /// <summary>Written over an existing record.</summary>
    Updated,

    /// <summary>Not written because the target chose to keep an existing record.</summary>
    Skipped,

    /// <summary>Not written because the record already held the same values.</summary>
    Unchanged,
}
