using System.IO.Pipelines;

namespace BulkData.AspNetCore;

/// <summary>
/// The response body as exports write it: through the response's pipe, whose flush result says at once when the
/// client has gone (the connection's reader completed). Writing to a response whose client left otherwise does
/// nothing and says nothing, and the request's abort token is signalled later, from the thread pool, by which time
/// a fast export may have run to its end. On the first sign the stream cancels <paramref name="abort"/> and throws,
/// so the export stops and its job ends cancelled.
/// </summary>
internal sealed class ClientResponseStream(PipeWriter writer, CancellationTokenSource abort) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Check(await writer.WriteAsync(buffer, cancellationToken).ConfigureAwait(false));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken) =>
        Check(await writer.FlushAsync(cancellationToken).ConfigureAwait(false));

    private void Check(FlushResult result)
    {
        if (result.IsCompleted || result.IsCanceled)
        {
            abort.Cancel();
            throw new OperationCanceledException("The client went away.", abort.Token);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The response is written asynchronously.");

    public override void Flush() => throw new NotSupportedException("The response is written asynchronously.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
