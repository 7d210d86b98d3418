namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>A job's row in the <c>bulkdata_jobs</c> table. Lists and maps are stored as JSON text.</summary>
internal sealed class JobRecord
{
    /// <summary>The job's id.</summary>
    public Guid Id { get; set; }

    /// <summary>The job's kind, by name.</summary>
    public string Kind { get; set; } = "";

    /// <summary>The resource's name.</summary>
    public string Resource { get; set; } = "";

    /// <summary>The file format.</summary>
    public string? Format { get; set; }

    /// <summary>The file name.</summary>
    public string? FileName { get; set; }

    /// <summary>Who started the job.</summary>
    public string? Owner { get; set; }

    /// <summary>The tenant.</summary>
    public string? Tenant { get; set; }

    /// <summary>The status, by name.</summary>
    public string Status { get; set; } = "";

    /// <summary>Rows processed so far.</summary>
    public long RowsProcessed { get; set; }

    /// <summary>The total rows, when known.</summary>
    public long? TotalRows { get; set; }

    /// <summary>The current phase.</summary>
    public string Phase { get; set; } = "";

    /// <summary>Rows read.</summary>
    public long Read { get; set; }

    /// <summary>Valid rows.</summary>
    public long Valid { get; set; }

    /// <summary>Invalid rows.</summary>
    public long Invalid { get; set; }

    /// <summary>Rows created.</summary>
    public long Created { get; set; }

    /// <summary>Rows updated.</summary>
    public long Updated { get; set; }

    /// <summary>Rows skipped.</summary>
    public long Skipped { get; set; }

    /// <summary>Rows whose record already held the same values.</summary>
    public long Unchanged { get; set; }

    /// <summary>Rows whose existing record was kept.</summary>
    public long Existing { get; set; }

    /// <summary>Rows left out as repeats of an earlier row's key.</summary>
    public long Duplicates { get; set; }

    /// <summary>All errors found.</summary>
    public long ErrorCount { get; set; }

    /// <summary>The kept errors, as JSON.</summary>
    public string Errors { get; set; } = "[]";

    /// <summary>The warnings, as JSON.</summary>
    public string Warnings { get; set; } = "[]";

    /// <summary>Why the job failed.</summary>
    public string? FailureReason { get; set; }

    /// <summary>The parameters, as JSON.</summary>
    public string Parameters { get; set; } = "{}";

    /// <summary>When the job was created.</summary>
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the job started.</summary>
    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>When the job finished.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>The last committed data row.</summary>
    public long Checkpoint { get; set; }

    /// <summary>True once someone asked to cancel the job.</summary>
    public bool CancelRequested { get; set; }

    /// <summary>The concurrency token: every update must name the version it read.</summary>
    public long Version { get; set; }
}

/// <summary>One entry of a job's history, in the <c>bulkdata_job_events</c> table.</summary>
internal sealed class JobEventRecord
{
    /// <summary>The entry's id; increasing, so it orders the history.</summary>
    public long Id { get; set; }

    /// <summary>The job.</summary>
    public Guid JobId { get; set; }

    /// <summary>When it happened.</summary>
    public DateTimeOffset At { get; set; }

    /// <summary>What happened.</summary>
    public string Action { get; set; } = "";

    /// <summary>The job's status afterwards, by name.</summary>
    public string Status { get; set; } = "";

    /// <summary>Who did it.</summary>
    public string? Actor { get; set; }

    /// <summary>More about it.</summary>
    public string? Details { get; set; }
}

/// <summary>
/// One record an import created or updated, in the <c>bulkdata_row_changes</c> table: what a rollback needs
/// to undo it and to notice whether it was changed since.
/// </summary>
internal sealed class RowChangeRecord
{
    /// <summary>The entry's id; increasing, so it orders the changes.</summary>
    public long Id { get; set; }

    /// <summary>The import's job.</summary>
    public Guid JobId { get; set; }

    /// <summary>The entity type's name in the EF Core model.</summary>
    public string EntityType { get; set; } = "";

    /// <summary>True for a record the import created, false for one it updated.</summary>
    public bool Created { get; set; }

    /// <summary>The record's primary key values, as JSON.</summary>
    public string Key { get; set; } = "";

    /// <summary>The record's values before the import (updates only), as JSON.</summary>
    public string? Before { get; set; }

    /// <summary>The record's values as the import wrote them, as JSON.</summary>
    public string After { get; set; } = "";
}

/// <summary>A stored file, in the <c>bulkdata_files</c> table; its content is in <see cref="FileChunkRecord"/>s.</summary>
internal sealed class FileRecord
{
    /// <summary>The file's id.</summary>
    public Guid Id { get; set; }

    /// <summary>The name it was uploaded with.</summary>
    public string Name { get; set; } = "";

    /// <summary>Its size in bytes.</summary>
    public long Length { get; set; }

    /// <summary>Its SHA-256 hash, as lower-case hex.</summary>
    public string Sha256 { get; set; } = "";

    /// <summary>When it was stored.</summary>
    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>One chunk (up to 1 MiB) of a stored file, in the <c>bulkdata_file_chunks</c> table.</summary>
internal sealed class FileChunkRecord
{
    /// <summary>The file.</summary>
    public Guid FileId { get; set; }

    /// <summary>The chunk's place in the file, from 0.</summary>
    public int Index { get; set; }

    /// <summary>The chunk's bytes.</summary>
    public byte[] Data { get; set; } = [];
}
