using Microsoft.AspNetCore.Http;

namespace BulkData.AspNetCore;

/// <summary>An upload read past its size limit.</summary>
internal sealed class UploadTooLargeException() : IOException("The upload is larger than the limit.");

/// <summary>An upload that could not be read to its end: a truncated body or a malformed multipart form.</summary>
internal sealed class UnreadableUploadException(Exception inner)
    : IOException($"The upload could not be read to its end ({inner.Message}); send the whole file again.", inner)
{
    /// <summary>Whether reading the request failed because of what the client sent (not because of a size limit).</summary>
    public static bool IsUnreadable(Exception e) =>
        e is InvalidDataException or IOException and not (UploadTooLargeException or UnreadableUploadException or BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge });
}

/// <summary>
/// Reads an upload up to a limit, failing past it (a body without a length, or one that lies about it), and
/// looks at its first bytes to tell the format: the client's file name is not trusted for that.
/// </summary>
internal sealed class LimitedReadStream(Stream inner, long limit) : Stream
{
    private readonly byte[] start = new byte[8];
    private int startLength;
    private int startRead;
    private long total;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => total; set => throw new NotSupportedException(); }

    /// <summary>Reads the first bytes (handed back by the next reads) and names the format they show: xlsx, xls, json or csv.</summary>
    public async Task<string> SniffAsync(CancellationToken cancellationToken)
    {
        try
        {
            startLength = await inner.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UnreadableUploadException.IsUnreadable(e))
        {
            throw new UnreadableUploadException(e);
        }

        total = startLength;
        return Formats.FileFormats.Sniff(start.AsSpan(0, startLength));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (startRead < startLength)
        {
            var count = Math.Min(buffer.Length, startLength - startRead);
            start.AsMemory(startRead, count).CopyTo(buffer);
            startRead += count;
            return count;
        }

        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (UnreadableUploadException.IsUnreadable(e))
        {
            throw new UnreadableUploadException(e);
        }

        total += read;
        return total > limit ? throw new UploadTooLargeException() : read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Uploads are read asynchronously.");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
