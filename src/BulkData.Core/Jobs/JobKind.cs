namespace BulkData.Jobs;

/// <summary>What a job does.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<JobKind>))]
public enum JobKind
{
    /// <summary>Reads and validates the first rows; writes nothing.</summary>
    Preview,

    /// <summary>Reads and validates every row; writes nothing.</summary>
    DryRun,

    /// <summary>Reads, validates and commits rows to a target.</summary>
    Import,

    /// <summary>Writes a resource's rows out to a file.</summary>
    Export,
}
