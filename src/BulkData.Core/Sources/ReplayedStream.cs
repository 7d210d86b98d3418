namespace BulkData.Sources;

/// <summary>
/// A forward-only stream read twice from its start: the bytes the first reading takes are kept, and after
/// <see cref="Replay"/> the second reading gets them again before the rest of the stream. What is kept is only the
/// start (a CSV's header candidates), so memory does not grow with the file.
/// </summary>
/// <param name="inner">The stream, disposed with this one.</param>
internal sealed class ReplayedStream(Stream inner) : Stream
{
    private MemoryStream? kept = new();
    private byte[] replay = [];
    private int replayed;
    private int replayLength;

    /// <summary>Starts the second reading: what the first took comes again, then the rest.</summary>
    public void Replay()
    {
        if (kept is null)
        {
            throw new InvalidOperationException("The stream's start is replayed once.");
        }

        (replay, replayLength, replayed) = (kept.GetBuffer(), (int)kept.Length, 0);
        kept = null;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (TakeReplayed(buffer) is var taken and > 0)
        {
            return taken;
        }

        var read = inner.Read(buffer);
        kept?.Write(buffer[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakeReplayed(buffer.Span) is var taken and > 0)
        {
            return taken;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        kept?.Write(buffer.Span[..read]);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int TakeReplayed(Span<byte> buffer)
    {
        var taken = Math.Min(buffer.Length, replayLength - replayed);
        if (taken <= 0)
        {
            return 0;
        }

        replay.AsSpan(replayed, taken).CopyTo(buffer);
        replayed += taken;
        return taken;
    }
}
