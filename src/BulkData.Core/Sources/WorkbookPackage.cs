using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;

namespace BulkData.Sources;

/// <summary>
/// Looks at a workbook's container before the OpenXML SDK opens it: a password-protected workbook (an OLE
/// compound file holding an encrypted package) or an old .xls is named as such, a cut or damaged ZIP says
/// so, and a ZIP bomb (too many entries, too much unpacked data, a part that unpacks to hundreds of times
/// its size) is refused before anything is unpacked. The parts then read are counted against the limit as
/// they unpack, since a ZIP's declared sizes can lie. Entry names the packaging layer cannot resolve (written
/// with backslashes by some Windows tools, or in another case than their references) are repaired in a temporary copy.
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

            if (declared <= options.MaxDecompressedBytes && RepairedNames(zip) is { } names)
            {
                repaired = Renamed(zip, names);
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

    /// <summary>
    /// The entry names the packaging layer needs, by entry, when any differs from what is stored: backslashes turned into
    /// slashes, and the case of a name that the content types or a relationship write in another case (part names are
    /// case-insensitive in OPC, but not in the packaging layer: <c>xl/WorkBook.xml</c> named <c>/xl/workbook.xml</c>, or
    /// <c>xl/STYLES.XML</c> whose extension then matches no content type). Null when every name is as needed.
    /// </summary>
    private static Dictionary<ZipArchiveEntry, string>? RepairedNames(ZipArchive zip)
    {
        // Part names in capitals are rare (Excel writes none): only then are the references read.
        var referenced = zip.Entries.Any(e => e.FullName != "[Content_Types].xml" && e.FullName.Any(char.IsUpper)) ? ReferencedNames(zip) : [];
        var names = new Dictionary<ZipArchiveEntry, string>();
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.Replace('\\', '/');
            name = referenced.TryGetValue(name, out var written) ? written : name;
            if (name != entry.FullName)
            {
                names[entry] = name;
            }
        }

        return names.Count == 0 ? null : names;
    }

    /// <summary>The part names (without their leading slash) the content types' overrides and the relationships' internal targets write, by their case-insensitive form.</summary>
    private static Dictionary<string, string> ReferencedNames(ZipArchive zip)
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 4 * 1024 * 1024 };
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName.Replace('\\', '/');
            var isTypes = name.Equals("[Content_Types].xml", StringComparison.OrdinalIgnoreCase);
            var relsAt = name.EndsWith(".rels", StringComparison.OrdinalIgnoreCase) ? name.LastIndexOf("_rels/", StringComparison.OrdinalIgnoreCase) : -1;
            if (!isTypes && relsAt < 0)
            {
                continue;
            }

            var folder = new Uri("pack://part/" + name[..Math.Max(relsAt, 0)]);
            try
            {
                using var reader = System.Xml.XmlReader.Create(entry.Open(), settings);
                while (reader.Read())
                {
                    var target = reader.NodeType != System.Xml.XmlNodeType.Element ? null
                        : isTypes && reader.LocalName == "Override" ? reader.GetAttribute("PartName")
                        : !isTypes && reader.LocalName == "Relationship" && reader.GetAttribute("TargetMode") != "External" ? reader.GetAttribute("Target")
                        : null;
                    if (target is not null && Uri.TryCreate(folder, target, out var uri))
                    {
                        var part = Uri.UnescapeDataString(uri.AbsolutePath).TrimStart('/');
                        names.TryAdd(part, part);
                    }
                }
            }
            catch (System.Xml.XmlException)
            {
                // A damaged part is the packaging layer's to report, with its own message.
            }
        }

        return names;
    }

    /// <summary>Copies the package to a temporary file with the entries in <paramref name="names"/> renamed.</summary>
    private static FileStream Renamed(ZipArchive source, Dictionary<ZipArchiveEntry, string> names)
    {
        var copy = SourceStreams.TemporaryFile();
        try
        {
            using (var target = new ZipArchive(copy, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in source.Entries)
                {
                    using var from = entry.Open();
                    using var to = target.CreateEntry(names.GetValueOrDefault(entry, entry.FullName), CompressionLevel.Fastest).Open();
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
