namespace BulkData.Jobs;

/// <summary>Where a job is in its lifecycle.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<JobStatus>))]
public enum JobStatus
{
    /// <summary>Created, not started.</summary>
    Pending,

    /// <summary>Stored with its file and waiting for a runner to start it.</summary>
    Queued,

    /// <summary>Reading and validating rows (previews and dry runs).</summary>
    Validating,

    /// <summary>A preview or dry run found no errors.</summary>
    Validated,

    /// <summary>The header or rows have errors; nothing was written.</summary>
    ValidationFailed,

    /// <summary>Reading, validating and committing rows.</summary>
    Processing,

    /// <summary>Every row was committed.</summary>
    Completed,

    /// <summary>Valid rows were committed; invalid rows were reported (partial mode).</summary>
    CompletedWithErrors,

    /// <summary>Stopped by an unreadable file, a failing target or the error threshold.</summary>
    Failed,

    /// <summary>Cancelled by its caller.</summary>
    Cancelled,

    /// <summary>Committed, then undone.</summary>
    RolledBack,
}
