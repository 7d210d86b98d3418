namespace BulkData.Sources;

/// <summary>How sources open their input again on every read, shared by the built-in sources.</summary>
internal static class SourceStreams
{
    /// <summary>Opens a file for one sequential read.</summary>
    public static Func<Stream> File(string path) =>
        () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65_536, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>A temporary file for a copy of an input, deleted when the stream is closed.</summary>
    public static FileStream TemporaryFile() =>
        new(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 65_536, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    /// <summary>Copies a stream asynchronously (request bodies forbid synchronous reads), stopping with <paramref name="tooLarge"/> past <paramref name="maxBytes"/>.</summary>
    public static async Task CopyLimitedAsync(Stream input, Stream output, long maxBytes, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        var buffer = new byte[81_920];
        long copied = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if ((copied += read) > maxBytes)
            {
                throw tooLarge();
            }

            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hands out a caller's stream: rewound on each read when seekable, readable once otherwise.</summary>
    public static Func<Stream> Caller(Stream stream)
    {
        var reads = 0;
        return () =>
        {
            if (stream.CanSeek)
            {
                stream.Position = 0;
            }
            else if (Interlocked.Increment(ref reads) > 1)
            {
                throw new InvalidOperationException("This forward-only stream has already been read; pass a seekable stream to preview and then import it.");
            }

            return stream;
        };
    }

    /// <summary>
    /// Estimates a stream's rows from the rows read so far and the share of its bytes they took (the stream's
    /// position runs ahead by what is buffered, so early estimates are low); null for a stream of unknown length.
    /// </summary>
    public static long? EstimateRows(Stream stream, long rowsRead) =>
        stream.CanSeek && rowsRead > 0 && stream.Position > 0
            ? Math.Max(rowsRead, (long)Math.Round((double)rowsRead * stream.Length / stream.Position))
            : null;

    /// <summary>Reads text held in memory as UTF-8.</summary>
    public static Func<Stream> Text(string text)
    {
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        return () => new MemoryStream(bytes, writable: false);
    }
}
