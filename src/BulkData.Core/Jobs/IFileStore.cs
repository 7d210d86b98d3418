namespace BulkData.Jobs;

/// <summary>A file kept for a job, with what proves it unchanged.</summary>
/// <param name="Id">The file's id in its store.</param>
/// <param name="Name">The name it was uploaded with.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256 hash, as lower-case hex.</param>
/// <param name="StoredAt">When it was stored.</param>
public sealed record StoredFile(Guid Id, string Name, long Length, string Sha256, DateTimeOffset StoredAt);

/// <summary>
/// Keeps the files of queued jobs (uploads, export outputs) so that any process can read them again. BulkData
/// ships a local-folder store; implement it for blob storage or a database.
/// </summary>
public interface IFileStore
{
    /// <summary>Stores a file, reading the stream to its end (asynchronously).</summary>
    /// <param name="content">The file's content.</param>
    /// <param name="name">The name it was uploaded with.</param>
    /// <param name="cancellationToken">Cancels storing; nothing is kept.</param>
    /// <returns>The stored file.</returns>
    ValueTask<StoredFile> SaveAsync(Stream content, string name, CancellationToken cancellationToken = default);

    /// <summary>Opens a stored file for reading.</summary>
    /// <param name="id">The file's id.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <returns>A stream the caller disposes.</returns>
    /// <exception cref="StoredFileNotFoundException">No file has that id.</exception>
    ValueTask<Stream> OpenAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Gets what is known of a stored file.</summary>
    /// <param name="id">The file's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The file, or null when there is none with that id.</returns>
    ValueTask<StoredFile?> GetAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stored file.</summary>
    /// <param name="id">The file's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a file was deleted.</returns>
    ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default);
}
