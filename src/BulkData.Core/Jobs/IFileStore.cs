namespace BulkData.Jobs;

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
