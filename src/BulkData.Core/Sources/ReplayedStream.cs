namespace BulkData.Sources;

/// <summary>
/// A forward-only stream read twice from its start: the bytes the first reading takes are kept, and after
/// <see cref="Replay"/> the second reading gets them again before the rest of the stream. What is kept is only the
/// start (a CSV's header candidates), so memory does not grow with the file.
/// </summary>
/// <param name="inner">The stream, disposed with this one.</param>
internal sealed class ReplayedStream(Stream inner) : ForwardReadStream(inner)
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

    public override int Read(Span<byte> buffer)
    {
        if (TakeReplayed(buffer) is var taken and > 0)
        {
            return taken;
        }

        var read = Inner.Read(buffer);
        kept?.Write(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (TakeReplayed(buffer.Span) is var taken and > 0)
        {
            return taken;
        }

        var read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        kept?.Write(buffer.Span[..read]);
        return read;
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
