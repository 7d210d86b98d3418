using System.ComponentModel.DataAnnotations;
using System.Text;

namespace BulkData;

/// <summary>How a CSV or TSV file is read. Every default suits a file saved by Excel or by another program.</summary>
public sealed class CsvSourceOptions
{
    /// <summary>
    /// The delimiter. Default: null, detected from the file among comma, semicolon, tab and pipe.
    /// </summary>
    public char? Delimiter { get; set; }

    /// <summary>
    /// The text encoding. Default: null, detected: a byte order mark names UTF-8, UTF-16 or UTF-32;
    /// without one, UTF-16 is recognised by its zero bytes and anything else is read as UTF-8,
    /// with invalid bytes reported as row errors naming this option. <see cref="EncodingNamed"/> gives a code page
    /// (a CSV saved by Excel on a Western Windows is <c>windows-1252</c>).
    /// </summary>
    public Encoding? Encoding { get; set; }

    /// <summary>
    /// False for a file without a header row: its columns are named <c>Column 1</c>, <c>Column 2</c>, ... and
    /// mapped by the resource columns' <c>Position</c>. Default: true.
    /// </summary>
    public bool HasHeaderRow { get; set; } = true;

    /// <summary>
    /// <see cref="HeaderRow"/> for a file whose header is not on its first line (a title and notes above it, as in an
    /// exported report): an import takes the record, among the first <see cref="XlsxSourceOptions.HeaderRowCandidates"/>
    /// that are not blank, that best matches the resource's columns, records its line on the job (<c>headerRow</c>) and
    /// skips the lines above it. The file's start is read twice (from a forward-only stream, the bytes first read are kept for that).
    /// </summary>
    public const int FindHeaderRow = XlsxSourceOptions.FindHeaderRow;

    /// <summary>The 1-based line holding the header, the lines above it ignored; <see cref="FindHeaderRow"/> (0) to find it. Default: 1.</summary>
    [Range(0, int.MaxValue)]
    public int HeaderRow { get; set; } = 1;

    /// <summary>These options with the header found.</summary>
    internal CsvSourceOptions FindingHeader()
    {
        var copy = (CsvSourceOptions)MemberwiseClone();
        (copy.HeaderRow, copy.HasHeaderRow) = (FindHeaderRow, true);
        return copy;
    }

    /// <summary>
    /// The longest value accepted, in characters. Default: 1,048,576. A longer one stops the import with its line;
    /// so does a row longer than 16,777,216 characters, the most the parser holds, whatever this limit.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int MaxFieldLength { get; set; } = 1_048_576;

    /// <summary>Lines starting with this character are comments and skipped, e.g. <c>'#'</c>. Default: null, no comments.</summary>
    public char? Comment { get; set; }

    /// <summary>
    /// The encoding a name or code page number stands for (<c>windows-1252</c>, <c>iso-8859-1</c>, <c>shift_jis</c>,
    /// <c>1252</c>), the Windows and other legacy code pages included (.NET serves those only once
    /// <see cref="CodePagesEncodingProvider"/> is registered, which this does): for <see cref="Encoding"/>, from a
    /// setting or a request.
    /// </summary>
    /// <param name="name">The encoding's web name, another of its names, or its code page number.</param>
    /// <returns>The encoding.</returns>
    /// <exception cref="BulkDataConfigurationException">No encoding has that name.</exception>
    public static Encoding EncodingNamed(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        try
        {
            return int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var codePage)
                ? Encoding.GetEncoding(codePage)
                : Encoding.GetEncoding(name.Trim());
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new BulkDataConfigurationException(nameof(Encoding), $"There is no text encoding named '{name}'. Name one such as utf-8, windows-1252, iso-8859-1 or shift_jis.");
        }
    }
}
