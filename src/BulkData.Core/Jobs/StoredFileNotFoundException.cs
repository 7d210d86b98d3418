namespace BulkData.Jobs;

/// <summary>
/// Thrown when a file is opened from an <see cref="IFileStore"/> (a queued job's upload, an export's output, an
/// error report) and the store no longer holds it: it expired or was deleted, or the job has no such file.
/// </summary>
public sealed class StoredFileNotFoundException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileId">The file asked for, when the caller had an id.</param>
    /// <param name="message">What was not found.</param>
    public StoredFileNotFoundException(Guid? fileId, string message)
        : base(message)
    {
        FileId = fileId;
    }

    /// <summary>The file asked for, when the caller had an id.</summary>
    public Guid? FileId { get; }
}
