namespace BulkData;

/// <summary>What an import does with a row whose key already exists.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MergeStrategy>))]
public enum MergeStrategy
{
    /// <summary>The row is refused as an error: existing records are never touched. The default.</summary>
    FailOnConflict,

    /// <summary>The existing record is overwritten with the row's values (upsert).</summary>
    Upsert,

    /// <summary>The existing record is kept and the row skipped.</summary>
    SkipExisting,
}
