namespace BulkData;

/// <summary>What happens when a key appears on more than one row of a file.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DuplicateKeyPolicy>))]
public enum DuplicateKeyPolicy
{
    /// <summary>Every repeat is a row error naming the row it repeats. The default.</summary>
    Error,

    /// <summary>The first row wins; repeats are skipped.</summary>
    KeepFirst,

    /// <summary>The last row wins; each repeat overwrites the row before it.</summary>
    KeepLast,
}
