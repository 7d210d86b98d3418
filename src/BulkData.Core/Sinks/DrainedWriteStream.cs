namespace BulkData.Sinks;

/// <summary>
/// Collects what a synchronous writer (the ZIP archive's deflate streams) writes, and hands it to the real
/// output with <see cref="Stream.WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> when drained, so a sink
/// works on streams whose synchronous Write and Flush throw (ASP.NET Core response bodies). Memory holds only
/// what was written since the last drain.
/// </summary>
internal sealed class DrainedWriteStream(Stream output) : Stream
{
    private readonly MemoryStream pending = new();
    private long written;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => written; set => throw new NotSupportedException(); }

    /// <summary>Writes everything collected so far to the output, asynchronously.</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        if (pending.Length > 0)
        {
            await output.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), cancellationToken).ConfigureAwait(false);
            pending.SetLength(0);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pending.Write(buffer);
        written += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    // Flushing is draining, which only the sink does, at its own pace and asynchronously.
    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
