using System.Globalization;
using Microsoft.Data.Sqlite;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>The <see cref="SqliteValueKind"/> of a provider type and the stored form of a value of that kind.</summary>
internal static class SqliteValue
{
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
        SqliteValueKind.DateTime => ((DateTime)value).ToString(@"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", CultureInfo.InvariantCulture),
        SqliteValueKind.DateOnly => ((DateOnly)value).ToString(@"yyyy\-MM\-dd", CultureInfo.InvariantCulture),
        SqliteValueKind.GuidText => ((Guid)value).ToString().ToUpperInvariant(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a text kind."),
    };
}
