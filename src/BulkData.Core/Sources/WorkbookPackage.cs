using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;

namespace BulkData.Sources;

/// <summary>
/// Looks at a workbook's container before the OpenXML SDK opens it: a password-protected workbook (an OLE
/// compound file holding an encrypted package) or an old .xls is named as such, a cut or damaged ZIP says
/// so, and a ZIP bomb (too many entries, too much unpacked data, a part that unpacks to hundreds of times
/// its size) is refused before anything is unpacked. The parts then read are counted against the limit as
/// they unpack, since a ZIP's declared sizes can lie. Entry names written with backslashes (by some
/// Windows tools), which the packaging layer cannot resolve, are repaired in a temporary copy.
/// </summary>
internal static class WorkbookPackage
{
    private const int RatioFloor = 1024 * 1024;

    private static readonly byte[] CompoundFile = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <summary>Checks the container; returns the unpacking budget and, when entry names needed repair, the repaired package to read instead.</summary>
    public static (Budget Budget, Stream? Repaired) Inspect(Stream stream, XlsxSourceOptions options)
    {
        var start = new byte[CompoundFile.Length];
        var read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (read == start.Length && start.AsSpan().SequenceEqual(CompoundFile))
        {
            throw new ImportSourceException(IsEncrypted(stream)
                ? "The workbook is password-protected (encrypted), so it cannot be read. Open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with Password), save it and upload it again."
                : "The file is an old Excel 97-2003 workbook (.xls), not an .xlsx. Open it in Excel and save it as 'Excel Workbook (.xlsx)'.");
        }

        if (read < 4 || start[0] != (byte)'P' || start[1] != (byte)'K')
        {
            throw new ImportSourceException("The file is not a valid Excel workbook (.xlsx): it is in another format (text, CSV, PDF?). Open it in Excel and save it as 'Excel Workbook (.xlsx)', or upload it as the format it is.");
        }

        long declared = 0;
        Stream? repaired = null;
        try
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > options.MaxZipEntries)
            {
                throw Limit(nameof(XlsxSourceOptions.MaxZipEntries), options.MaxZipEntries, "The workbook's archive holds more entries than", "entries");
            }

            foreach (var entry in zip.Entries)
            {
                declared += entry.Length;
                if (entry.Length > RatioFloor && entry.Length > (long)options.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
                {
                    throw Limit(nameof(XlsxSourceOptions.MaxCompressionRatio), options.MaxCompressionRatio, $"The part '{entry.FullName}' unpacks to more times its packed size than", "times");
                }
            }

            if (declared <= options.MaxDecompressedBytes && zip.Entries.Any(e => e.FullName.Contains('\\', StringComparison.Ordinal)))
            {
                repaired = WithForwardSlashes(zip);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImportSourceException($"The file is not a valid Excel workbook (.xlsx): it is cut short or damaged ({e.Message.TrimEnd('.')}). Upload the whole file again, or open it in Excel and save it as 'Excel Workbook (.xlsx)'.", e);
        }
        finally
        {
            stream.Position = 0;
        }

        if (declared > options.MaxDecompressedBytes)
        {
            throw Limit(nameof(XlsxSourceOptions.MaxDecompressedBytes), options.MaxDecompressedBytes, "The workbook unpacks to more than", "bytes");
        }

        return (new Budget(options.MaxDecompressedBytes), repaired);
    }

    /// <summary>Copies the package to a temporary file with every entry name's backslashes turned into slashes.</summary>
    private static FileStream WithForwardSlashes(ZipArchive source)
    {
        var copy = SourceStreams.TemporaryFile();
        try
        {
            using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in source.Entries)
                {
                    using var from = entry.Open();
                    using var to = target.CreateEntry(entry.FullName.Replace('\\', '/'), CompressionLevel.Fastest).Open();
                    from.CopyTo(to);
                }
            }

            copy.Position = 0;
            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>The error for an <see cref="XlsxSourceOptions"/> limit, named after its option.</summary>
    internal static ImportLimitExceededException Limit(string option, long maximum, string what, string unit) =>
        new($"{nameof(XlsxSourceOptions)}.{option}", maximum, what, unit);

    /// <summary>An encrypted package names its streams EncryptionInfo and EncryptedPackage (UTF-16) in the compound file's directory.</summary>
    private static bool IsEncrypted(Stream stream)
    {
        var buffer = new byte[(int)Math.Min(stream.Length, 4 * 1024 * 1024)];
        stream.ReadExactly(buffer);
        stream.Position = 0;
        return buffer.AsSpan().IndexOf(Encoding.Unicode.GetBytes("EncryptionInfo")) >= 0
            || buffer.AsSpan().IndexOf(Encoding.Unicode.GetBytes("EncryptedPackage")) >= 0;
    }

    /// <summary>The bytes the workbook's parts may still unpack to, shared by every part read.</summary>
    internal sealed class Budget(long maximum)
    {
        private long spent;

        public Stream Open(OpenXmlPart part) => new CountedReadStream(part.GetStream(FileMode.Open, FileAccess.Read), Spend, e => e);

        private void Spend(int bytes)
        {
            spent += bytes;
            if (spent > maximum)
            {
                throw Limit(nameof(XlsxSourceOptions.MaxDecompressedBytes), maximum, "The workbook unpacks to more than", "bytes");
            }
        }
    }
}
