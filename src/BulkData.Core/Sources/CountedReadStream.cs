namespace BulkData.Sources;

/// <summary>
/// A forward-only read of an archive entry that reports every read's byte count to <paramref name="counted"/>, which
/// throws once a limit is passed (an XLSX workbook's unpacked size, a package entry's declared size): a zip bomb stops
/// at the limit instead of filling memory or disk. <paramref name="damaged"/> turns the archive's own complaint (an
/// <see cref="InvalidDataException"/> from inflating) into the caller's typed error.
/// </summary>
internal sealed class CountedReadStream(Stream inner, Action<int> counted, Func<InvalidDataException, Exception> damaged) : ForwardReadStream(inner)
{
    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = Inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw damaged(e);
        }

        counted(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw damaged(e);
        }

        counted(read);
        return read;
    }
}
