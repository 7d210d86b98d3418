using System.Security.Cryptography;
using System.Text.Json;

namespace BulkData.Jobs;

/// <summary>
/// Keeps files in a local (or mounted shared) folder: the content as <c>{id}.bin</c>, what is known of it as
/// <c>{id}.json</c>. The default <see cref="IFileStore"/>. Written and read asynchronously.
/// </summary>
/// <param name="options">The folder; null for the default.</param>
/// <param name="time">The clock that stamps files; null for the system clock.</param>
public sealed class LocalFolderFileStore(LocalFolderFileStoreOptions? options = null, TimeProvider? time = null) : IFileStore
{
    private readonly string folder = (options ?? new LocalFolderFileStoreOptions()).Folder;

    /// <inheritdoc/>
    public async ValueTask<StoredFile> SaveAsync(Stream content, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Directory.CreateDirectory(folder);
        var id = Guid.CreateVersion7();
        var path = ContentPath(id);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long length = 0;
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 65_536, FileOptions.Asynchronous))
            {
                var buffer = new byte[81_920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
            }

            var stored = new StoredFile(id, name, length, Convert.ToHexStringLower(hash.GetHashAndReset()), (time ?? TimeProvider.System).GetUtcNow());
            await File.WriteAllTextAsync(InfoPath(id), JsonSerializer.Serialize(stored), cancellationToken).ConfigureAwait(false);
            return stored;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask<Stream> OpenAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var path = ContentPath(id);
        return File.Exists(path)
            ? ValueTask.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65_536, FileOptions.Asynchronous | FileOptions.SequentialScan))
            : throw new StoredFileNotFoundException(id, $"There is no stored file {id}.");
    }

    /// <inheritdoc/>
    public async ValueTask<StoredFile?> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        File.Exists(InfoPath(id)) ? JsonSerializer.Deserialize<StoredFile>(await File.ReadAllTextAsync(InfoPath(id), cancellationToken).ConfigureAwait(false)) : null;

    /// <inheritdoc/>
    public ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var existed = File.Exists(ContentPath(id));
        File.Delete(ContentPath(id));
        File.Delete(InfoPath(id));
        return ValueTask.FromResult(existed);
    }

    private string ContentPath(Guid id) => Path.Combine(folder, $"{id:N}.bin");

    private string InfoPath(Guid id) => Path.Combine(folder, $"{id:N}.json");
}
