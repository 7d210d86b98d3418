namespace BulkData;

/// <summary>How rows reach the target when some are invalid.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<CommitMode>))]
public enum CommitMode
{
    /// <summary>One invalid row fails the import and nothing is written. The default.</summary>
    AllOrNothing,

    /// <summary>Valid rows are written, batch by batch; invalid rows are reported.</summary>
    Partial,
}
