using System.Runtime.CompilerServices;
using System.Text.Json;
using BulkData.Jobs;
using BulkData.Validation;

namespace BulkData.Import;

/// <summary>
/// Every row error of a queued import, kept in a temporary file as the run goes and stored with the job when it ends,
/// so that its error report lists every rejected row however many there are: the job itself keeps only the first
/// ones, for display. The file is in row order: while batches are written, a batch's errors wait until its writer's
/// rejections are in, then go out sorted; memory holds at most those of the batches in flight.
/// </summary>
internal sealed class RejectedRowsFile : IAsyncDisposable
{
    private readonly FileStream file = new(
        Path.Combine(Path.GetTempPath(), $"bulkdata-errors-{Guid.NewGuid():N}.jsonl"),
        FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 65_536, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    private readonly StreamWriter writer;
    private readonly List<RowError> pending = [];
    private readonly bool waitForWrites;

    /// <summary>Starts an empty file; <paramref name="waitForWrites"/> when batches are written, so rejections can follow a batch's other errors.</summary>
    public RejectedRowsFile(bool waitForWrites)
    {
        this.waitForWrites = waitForWrites;
        writer = new StreamWriter(file, leaveOpen: true);
    }

    /// <summary>Adds a row's error; errors of no row (the file's, the mapping's) are the job's alone.</summary>
    public void Add(RowError error)
    {
        if (error.RowNumber is null)
        {
            return;
        }

        if (waitForWrites)
        {
            pending.Add(error);
        }
        else
        {
            Write(error);
        }
    }

    /// <summary>Writes the errors waiting, in row order: the batches they belong to are written, their rejections in.</summary>
    public void Flush()
    {
        foreach (var error in pending.OrderBy(e => e.RowNumber))
        {
            Write(error);
        }

        pending.Clear();
    }

    /// <summary>Carries over an earlier run's errors of the rows up to <paramref name="throughRow"/> (a resumed import's committed rows).</summary>
    public async Task CopyAsync(Stream earlier, long throughRow, CancellationToken cancellationToken)
    {
        await foreach (var error in ReadAsync(earlier, cancellationToken).ConfigureAwait(false))
        {
            if (error.RowNumber <= throughRow)
            {
                Write(error);
            }
        }
    }

    /// <summary>Stores the file with the job's files.</summary>
    public async Task<StoredFile> SaveAsync(IFileStore files, string name, CancellationToken cancellationToken)
    {
        Flush();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        return await files.SaveAsync(file, name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a stored file's errors, in row order.</summary>
    public static async IAsyncEnumerable<RowError> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            yield return JsonSerializer.Deserialize<RowError>(line) ?? throw new InvalidDataException("A stored row error is empty.");
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await writer.DisposeAsync().ConfigureAwait(false);
        await file.DisposeAsync().ConfigureAwait(false);
    }

    // A buffered line to a local temporary file: the pipeline's thread does not wait for the disk.
    private void Write(RowError error) => writer.WriteLine(JsonSerializer.Serialize(error));
}
