namespace BulkData.Sources;

/// <summary>
/// What every forward-only, read-only wrapper of another stream shares: no length, position, seeking or writing; the
/// array overloads of reading sent to the span ones; the wrapped stream disposed with it.
/// </summary>
/// <param name="inner">The wrapped stream.</param>
internal abstract class ForwardReadStream(Stream inner) : Stream
{
    /// <summary>The wrapped stream.</summary>
    protected Stream Inner => inner;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Reads into a span: what a wrapper does.</summary>
    public abstract override int Read(Span<byte> buffer);

    /// <summary>Reads into memory, asynchronously: what a wrapper does.</summary>
    public abstract override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
