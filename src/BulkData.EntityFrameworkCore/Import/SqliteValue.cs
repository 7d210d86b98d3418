using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>The <see cref="SqliteValueKind"/> of a provider type and the stored form of a value of that kind.</summary>
internal static class SqliteValue
{
    private const string DateTimeFormat = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";
    private const string DateOnlyFormat = @"yyyy\-MM\-dd";

    /// <summary>The kind of a provider CLR type bound as a parameter of <paramref name="parameterType"/>, or null when only Microsoft.Data.Sqlite knows it.</summary>
    public static SqliteValueKind? KindOf(Type providerType, SqliteType parameterType)
    {
        var type = Nullable.GetUnderlyingType(providerType) ?? providerType;
        if (type.IsEnum)
        {
            return null;
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 => SqliteValueKind.Integer,
            TypeCode.Double or TypeCode.Single => SqliteValueKind.Real,
            TypeCode.String => SqliteValueKind.Text,
            TypeCode.Decimal => SqliteValueKind.Decimal,
            TypeCode.DateTime when parameterType != SqliteType.Real => SqliteValueKind.DateTime,
            _ when type == typeof(DateOnly) && parameterType != SqliteType.Real => SqliteValueKind.DateOnly,
            _ when type == typeof(Guid) => parameterType == SqliteType.Blob ? SqliteValueKind.GuidBlob : SqliteValueKind.GuidText,
            _ when type == typeof(byte[]) => SqliteValueKind.Blob,
            _ => null,
        };
    }

    /// <summary>The kinds of the columns' values, or null when one has none (only Microsoft.Data.Sqlite knows it).</summary>
    public static SqliteValueKind[]? KindsOf(TableColumn[] columns)
    {
        var kinds = new SqliteValueKind[columns.Length];
        using var probe = new SqliteCommand();
        for (var c = 0; c < columns.Length; c++)
        {
            if (KindOf(columns[c].ProviderType, ((SqliteParameter)columns[c].CreateParameter(probe, "probe")).SqliteType) is not { } kind)
            {
                return null;
            }

            kinds[c] = kind;
        }

        return kinds;
    }

    /// <summary>An integer kind's value as SQLite stores it.</summary>
    public static long Integer(object value) => value switch
    {
        int number => number,
        long number => number,
        bool flag => flag ? 1 : 0,
        _ => Convert.ToInt64(value, CultureInfo.InvariantCulture),
    };

    /// <summary>A real kind's value as SQLite stores it; NaN is refused with Microsoft.Data.Sqlite's message.</summary>
    public static double Real(object value)
    {
        var number = value is float single ? single : (double)value;
        return double.IsNaN(number) ? throw new InvalidOperationException("Cannot store 'NaN' values.") : number;
    }

    /// <summary>A text kind's value as SQLite stores it.</summary>
    public static string Text(SqliteValueKind kind, object value) => kind switch
    {
        SqliteValueKind.Text => (string)value,
        SqliteValueKind.Decimal => ((decimal)value).ToString("0.0###########################", CultureInfo.InvariantCulture),
        SqliteValueKind.DateTime => ((DateTime)value).ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        SqliteValueKind.DateOnly => ((DateOnly)value).ToString(DateOnlyFormat, CultureInfo.InvariantCulture),
        SqliteValueKind.GuidText => ((Guid)value).ToString().ToUpperInvariant(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a text kind."),
    };

    /// <summary>
    /// A stored value of a kind back as the provider type, exactly as Microsoft.Data.Sqlite reads the form
    /// <see cref="Text"/>, <see cref="Integer"/> and <see cref="Real"/> store; false for any other form (a value another
    /// tool stored), which only Microsoft.Data.Sqlite reads. <paramref name="storage"/> is the value's storage class.
    /// </summary>
    public static bool TryRead(nint statement, int column, int storage, SqliteValueKind kind, Type providerType, out object value)
    {
        var type = Nullable.GetUnderlyingType(providerType) ?? providerType;
        object? read = (kind, storage) switch
        {
            (SqliteValueKind.Integer, raw.SQLITE_INTEGER) => FromInteger(SqliteNative.ColumnInt64(statement, column), type),
            (SqliteValueKind.Real, raw.SQLITE_FLOAT) => type == typeof(float) ? (object)(float)SqliteNative.ColumnDouble(statement, column) : SqliteNative.ColumnDouble(statement, column),
            (SqliteValueKind.Text, raw.SQLITE_TEXT) => Encoding.UTF8.GetString(Bytes(SqliteNative.ColumnText(statement, column), statement, column)),
            (SqliteValueKind.Decimal or SqliteValueKind.DateTime or SqliteValueKind.DateOnly or SqliteValueKind.GuidText, raw.SQLITE_TEXT) => TryParse(kind, Bytes(SqliteNative.ColumnText(statement, column), statement, column)),
            (SqliteValueKind.GuidBlob, raw.SQLITE_BLOB) => Bytes(SqliteNative.ColumnBlob(statement, column), statement, column) is { Length: 16 } bytes ? new Guid(bytes) : null,
            (SqliteValueKind.Blob, raw.SQLITE_BLOB) => Bytes(SqliteNative.ColumnBlob(statement, column), statement, column).ToArray(),
            _ => null,
        };
        value = read!;
        return read is not null;
    }

    /// <summary>
    /// A stored text of a kind (decimal, date and time, date, GUID) as its value, exactly as the BCL's parsers read the
    /// form <see cref="Text"/> writes; null where they do not. Parsed from the UTF-8 SQLite holds, with no string: the
    /// forms the writer stores by a fixed-position parse (<c>DateTime.TryParseExact</c> with a custom format took about a
    /// microsecond a value), anything else by the BCL's parser of the decoded text.
    /// </summary>
    public static object? TryParse(SqliteValueKind kind, ReadOnlySpan<byte> text) => kind switch
    {
        SqliteValueKind.Decimal => decimal.TryParse(text, NumberStyles.Number | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number) ? number : null,
        SqliteValueKind.DateTime => TryParseDateTime(text, out var moment) || DateTime.TryParseExact(Encoding.UTF8.GetString(text), DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out moment) ? moment : null,
        SqliteValueKind.DateOnly => TryParseDate(text, out var day) || DateOnly.TryParseExact(Encoding.UTF8.GetString(text), DateOnlyFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day) ? day : null,
        SqliteValueKind.GuidText => (Utf8Parser.TryParse(text, out Guid id, out var used, 'D') && used == text.Length) || Guid.TryParseExact(Encoding.UTF8.GetString(text), "D", out id) ? id : null,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a parsed text kind."),
    };

    /// <summary>
    /// A text kind's value as SQLite stores it (<see cref="Text"/>), formatted straight to UTF-8 in a reused buffer: the
    /// same bytes without a string per value, which a profile of the database benchmark put at half of a row's binding.
    /// </summary>
    public static ReadOnlySpan<byte> TextUtf8(SqliteValueKind kind, object value, ref byte[] buffer)
    {
        if (kind == SqliteValueKind.Text)
        {
            return Utf8((string)value, ref buffer);
        }

        int written;
        while (!(kind switch
        {
            SqliteValueKind.Decimal => ((decimal)value).TryFormat(buffer, out written, "0.0###########################", CultureInfo.InvariantCulture),
            SqliteValueKind.DateTime => ((DateTime)value).TryFormat(buffer, out written, DateTimeFormat, CultureInfo.InvariantCulture),
            SqliteValueKind.DateOnly => ((DateOnly)value).TryFormat(buffer, out written, DateOnlyFormat, CultureInfo.InvariantCulture),
            SqliteValueKind.GuidText => ((Guid)value).TryFormat(buffer, out written, "D"),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a text kind."),
        }))
        {
            buffer = new byte[buffer.Length * 2];
        }

        var text = buffer.AsSpan(0, written);
        if (kind == SqliteValueKind.GuidText)
        {
            // Upper case, as Text gives it: only the hexadecimal letters change.
            Ascii.ToUpperInPlace(text, out _);
        }

        return text;
    }

    /// <summary>Text as UTF-8 in a reused buffer, as Microsoft.Data.Sqlite encodes it (a lone surrogate becomes U+FFFD).</summary>
    public static ReadOnlySpan<byte> Utf8(string text, ref byte[] buffer)
    {
        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (most > buffer.Length)
        {
            buffer = new byte[Math.Max(most, buffer.Length * 2)];
        }

        return buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
    }

    /// <summary>Throws Microsoft.Data.Sqlite's exception for a result code that is an error.</summary>
    public static void Check(sqlite3 db, int rc)
    {
        if (rc != raw.SQLITE_OK && rc != raw.SQLITE_ROW && rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>A column's text or blob (<paramref name="start"/>, got first, as SQLite asks) as its bytes, valid until the statement steps on.</summary>
    private static unsafe ReadOnlySpan<byte> Bytes(nint start, nint statement, int column) => new((void*)start, SqliteNative.ColumnBytes(statement, column));

    /// <summary><c>yyyy-MM-dd HH:mm:ss</c>, then a point and one to seven digits of the second when it has a fraction.</summary>
    private static bool TryParseDateTime(ReadOnlySpan<byte> text, out DateTime value)
    {
        value = default;
        if (!(text.Length == 19 || (text.Length is > 20 and <= 27 && text[19] == '.'))
            || text[10] != ' ' || text[13] != ':' || text[16] != ':'
            || !TryParseDate(text[..10], out var day)
            || !TryDigits(text.Slice(11, 2), out var hour) || hour > 23
            || !TryDigits(text.Slice(14, 2), out var minute) || minute > 59
            || !TryDigits(text.Slice(17, 2), out var second) || second > 59)
        {
            return false;
        }

        var ticks = 0;
        if (text.Length > 19)
        {
            var fraction = text[20..];
            if (!TryDigits(fraction, out ticks))
            {
                return false;
            }

            for (var d = fraction.Length; d < 7; d++)
            {
                ticks *= 10;
            }
        }

        value = new DateTime(day, new TimeOnly(hour, minute, second)).AddTicks(ticks);
        return true;
    }

    /// <summary><c>yyyy-MM-dd</c>, a day that exists.</summary>
    private static bool TryParseDate(ReadOnlySpan<byte> text, out DateOnly value)
    {
        value = default;
        if (text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TryDigits(text[..4], out var year) || year < 1
            || !TryDigits(text.Slice(5, 2), out var month) || month is < 1 or > 12
            || !TryDigits(text.Slice(8, 2), out var day) || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        value = new DateOnly(year, month, day);
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        foreach (var digit in text)
        {
            if (!char.IsAsciiDigit((char)digit))
            {
                return false;
            }

            value = (value * 10) + (digit - '0');
        }

        return true;
    }

    // As Microsoft.Data.Sqlite converts an INTEGER to a smaller type: checked, so a value out of range is left to it.
    private static object? FromInteger(long value, Type type)
    {
        try
        {
            return Type.GetTypeCode(type) switch
            {
                TypeCode.Boolean => value != 0,
                TypeCode.Byte => checked((byte)value),
                TypeCode.SByte => checked((sbyte)value),
                TypeCode.Int16 => checked((short)value),
                TypeCode.UInt16 => checked((ushort)value),
                TypeCode.Int32 => checked((int)value),
                TypeCode.UInt32 => checked((uint)value),
                _ => value,
            };
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
