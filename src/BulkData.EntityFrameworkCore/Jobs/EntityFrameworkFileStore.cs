using System.Security.Cryptography;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Jobs;

/// <summary>
/// Keeps stored files in the application's database, in chunks of 1 MiB (the <c>bulkdata_files</c> and
/// <c>bulkdata_file_chunks</c> tables that <c>AddBulkDataJobs</c> adds), for clusters whose processes share a
/// database but no disk. A file is written in one transaction, read back a chunk at a time (memory holds one
/// chunk), and never loaded whole.
/// </summary>
/// <typeparam name="TContext">The application's context, whose model calls <c>AddBulkDataJobs()</c>.</typeparam>
/// <param name="contexts">Creates the contexts.</param>
/// <param name="time">The clock that stamps files.</param>
public sealed class EntityFrameworkFileStore<TContext>(IDbContextFactory<TContext> contexts, TimeProvider time) : IFileStore
    where TContext : DbContext
{
    private const int ChunkSize = 1024 * 1024;

    /// <inheritdoc/>
    public async ValueTask<StoredFile> SaveAsync(Stream content, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var id = Guid.CreateVersion7();
        var buffer = new byte[ChunkSize];
        long length = 0;
        var index = 0;
        while (true)
        {
            var read = await content.ReadAtLeastAsync(buffer, ChunkSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            hash.AppendData(buffer, 0, read);
            length += read;
            db.Add(new FileChunkRecord { FileId = id, Index = index++, Data = buffer[..read] });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
        }

        // The stored time keeps milliseconds (the binary time column keeps no more), so what is returned is what is read back.
        var now = time.GetUtcNow();
        var file = new FileRecord { Id = id, Name = name, Length = length, Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()), StoredAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)) };
        db.Add(file);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return ToStoredFile(file);
    }

    /// <inheritdoc/>
    public async ValueTask<Stream> OpenAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var file = await GetAsync(id, cancellationToken).ConfigureAwait(false) ?? throw new StoredFileNotFoundException(id, $"There is no stored file {id}.");
        return new ChunkStream(contexts, file);
    }

    /// <inheritdoc/>
    public async ValueTask<StoredFile?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Set<FileRecord>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, cancellationToken).ConfigureAwait(false) is { } file ? ToStoredFile(file) : null;
    }

    /// <inheritdoc/>
    public async ValueTask<bool> DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        await db.Set<FileChunkRecord>().Where(c => c.FileId == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        return await db.Set<FileRecord>().Where(f => f.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static StoredFile ToStoredFile(FileRecord file) => new(file.Id, file.Name, file.Length, file.Sha256, file.StoredAt);

    /// <summary>Reads a stored file a chunk at a time, one query per chunk, asynchronously.</summary>
    private sealed class ChunkStream(IDbContextFactory<TContext> contexts, StoredFile file) : Stream
    {
        private byte[] chunk = [];
        private int offset;
        private int nextIndex;
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => file.Length;

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (offset == chunk.Length)
            {
                if (position >= file.Length)
                {
                    return 0;
                }

                await using var db = await contexts.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
                var index = nextIndex++;
                chunk = await db.Set<FileChunkRecord>().Where(c => c.FileId == file.Id && c.Index == index).Select(c => c.Data).SingleAsync(cancellationToken).ConfigureAwait(false);
                offset = 0;
            }

            var count = Math.Min(buffer.Length, chunk.Length - offset);
            chunk.AsMemory(offset, count).CopyTo(buffer);
            offset += count;
            position += count;
            return count;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        // Every BulkData source reads asynchronously (the XLSX source copies such a stream to a file first).
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A stored file is read asynchronously, a chunk at a time; call ReadAsync.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
