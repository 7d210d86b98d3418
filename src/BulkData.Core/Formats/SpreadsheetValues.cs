using System.Text;

namespace BulkData.Formats;

/// <summary>The value encodings of SpreadsheetML shared by the XLSX source and sink.</summary>
internal static class SpreadsheetValues
{
    private static readonly DateTime Epoch1900 = new(1899, 12, 30);
    private static readonly DateTime Epoch1904 = new(1904, 1, 1);
    private static readonly DateTime FirstSerialDate = new(1900, 1, 1);
    private static readonly DateTime LeapBugEnd = new(1900, 3, 1);

    /// <summary>The first date a 1900-system serial can hold.</summary>
    public static DateTime MinDate => FirstSerialDate;

    /// <summary>The letters of a 0-based column index: 0 is A, 25 is Z, 26 is AA.</summary>
    public static string ColumnName(int index)
    {
        var name = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    /// <summary>
    /// A 1900-system serial: days since 1899-12-30, except that Excel counts a 29 February 1900 that
    /// never was, so dates before 1 March 1900 are one less.
    /// </summary>
    public static double ToSerial(DateTime value)
    {
        var serial = (value - Epoch1900).TotalDays;
        return value < LeapBugEnd ? serial - 1 : serial;
    }

    /// <summary>Converts a serial back to a date and time, rounded to the millisecond (Excel's precision).</summary>
    public static DateTime FromSerial(double serial, bool date1904)
    {
        if (!date1904 && serial < 61)
        {
            // Serials 1-59 are 1900-01-01..02-28; 60 is the fictitious 1900-02-29, read as 03-01 like Excel's successors do.
            serial = serial < 60 ? serial + 1 : serial;
        }

        var epoch = date1904 ? Epoch1904 : Epoch1900;
        var milliseconds = Math.Round(serial * 86_400_000d);
        return epoch.AddMilliseconds(milliseconds);
    }

    /// <summary>
    /// Escapes text for a SpreadsheetML string: characters XML cannot hold become <c>_xHHHH_</c>,
    /// and a literal <c>_xHHHH_</c> has its underscore escaped, as the format prescribes.
    /// </summary>
    public static string Escape(string text)
    {
        if (!NeedsEscape(text))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsInvalidXml(c) || (c == '_' && IsEscapeAt(text, i)))
            {
                escaped.Append("_x").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)).Append('_');
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }

    /// <summary>Undoes <see cref="Escape"/>.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains("_x", StringComparison.Ordinal))
        {
            return text;
        }

        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '_' && IsEscapeAt(text, i))
            {
                plain.Append((char)Convert.ToInt32(text.Substring(i + 2, 4), 16));
                i += 6;
            }
            else
            {
                plain.Append(text[i]);
            }
        }

        return plain.ToString();
    }

    private static bool NeedsEscape(string text)
    {
        foreach (var c in text)
        {
            if (IsInvalidXml(c))
            {
                return true;
            }
        }

        return text.Contains("_x", StringComparison.Ordinal);
    }

    private static bool IsInvalidXml(char c) => (c < 0x20 && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF';

    private static bool IsEscapeAt(string text, int i) =>
        i + 6 < text.Length && text[i + 1] == 'x' && text[i + 6] == '_' && char.IsAsciiHexDigit(text[i + 2]) && char.IsAsciiHexDigit(text[i + 3])
        && char.IsAsciiHexDigit(text[i + 4]) && char.IsAsciiHexDigit(text[i + 5]);
}
