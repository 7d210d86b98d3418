using System.Text;

namespace BulkData;

/// <summary>How a CSV file is written.</summary>
public sealed class CsvSinkOptions
{
    /// <summary>The delimiter. Default: comma.</summary>
    public char Delimiter { get; set; } = ',';

    /// <summary>The encoding. Default: UTF-8 with a byte order mark, so Excel shows accented letters correctly.</summary>
    public Encoding Encoding { get; set; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// Prefixes text starting with = + - @ tab or carriage return with an apostrophe so that spreadsheets
    /// do not run it as a formula. Default: true. Numbers and dates are never changed.
    /// </summary>
    public bool NeutralizeFormulas { get; set; } = true;
}
