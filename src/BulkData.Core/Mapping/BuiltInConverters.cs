using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Reflection;

namespace BulkData.Mapping;

/// <summary>The converters BulkData uses when none is configured for a type.</summary>
internal static class BuiltInConverters
{
    /// <summary>Finds the built-in converter for a non-nullable type, or null when there is none.</summary>
    public static object? For(Type type)
    {
        if (type.IsEnum)
        {
            return Activator.CreateInstance(typeof(EnumConverter<>).MakeGenericType(type));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.String => StringConverter.Instance,
            TypeCode.Boolean => new BooleanConverter(),
            TypeCode.Byte => new IntegerConverter<byte>(),
            TypeCode.SByte => new IntegerConverter<sbyte>(),
            TypeCode.Int16 => new IntegerConverter<short>(),
            TypeCode.UInt16 => new IntegerConverter<ushort>(),
            TypeCode.Int32 => new IntegerConverter<int>(),
            TypeCode.UInt32 => new IntegerConverter<uint>(),
            TypeCode.Int64 => new IntegerConverter<long>(),
            TypeCode.UInt64 => new IntegerConverter<ulong>(),
            TypeCode.Single => new RealConverter<float>(),
            TypeCode.Double => new RealConverter<double>(),
            TypeCode.Decimal => new RealConverter<decimal>(),
            TypeCode.Char => new CharConverter(),
            TypeCode.DateTime => new DateTimeConverter(),
            _ when type == typeof(Guid) => new GuidConverter(),
            _ when type == typeof(DateTimeOffset) => new DateTimeOffsetConverter(),
            _ when type == typeof(DateOnly) => new DateOnlyConverter(),
            _ when type == typeof(TimeOnly) => new TimeOnlyConverter(),
            _ when type == typeof(TimeSpan) => new TimeSpanConverter(),
            _ => null,
        };
    }
}

/// <summary>Formats <see cref="ISpanFormattable"/> values in place, with the column's format or the converter's default.</summary>
internal static class SpanFormat
{
    public static bool TryFormat<T>(T value, Span<char> destination, out int written, ValueFormat format, string? defaultFormat)
        where T : ISpanFormattable =>
        value.TryFormat(destination, out written, format.OutputFormat ?? defaultFormat, format.Culture);
}

/// <summary>Text as it is.</summary>
internal sealed class StringConverter : ValueConverter<string>
{
    public static StringConverter Instance { get; } = new();

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out string value)
    {
        value = text.ToString();
        return true;
    }

    public override string? Format(string value, ValueFormat format) => value;

    public override string Describe(ValueFormat format) => "text";
}

/// <summary>A single character.</summary>
internal sealed class CharConverter : ValueConverter<char>
{
    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out char value)
    {
        value = text.Length == 1 ? text[0] : default;
        return text.Length == 1;
    }

    public override string Describe(ValueFormat format) => "a single character";
}

/// <summary>true/false, yes/no, y/n, 1/0 in any case.</summary>
internal sealed class BooleanConverter : ValueConverter<bool>
{
    private static readonly FrozenDictionary<string, bool> Spellings = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase)
    {
        ["true"] = true, ["yes"] = true, ["y"] = true, ["1"] = true,
        ["false"] = false, ["no"] = false, ["n"] = false, ["0"] = false,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, bool>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Spellings.GetAlternateLookup<ReadOnlySpan<char>>();

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out bool value) =>
        Lookup.TryGetValue(text.Trim(), out value);

    public override string? Format(bool value, ValueFormat format) => value ? "true" : "false";

    public override string Describe(ValueFormat format) => "yes or no (true/false, yes/no, y/n or 1/0)";
}

/// <summary>Whole numbers of any width, with the culture's thousands separator allowed.</summary>
internal sealed class IntegerConverter<T> : ValueConverter<T>, IExplainsRejection
    where T : IBinaryInteger<T>, IMinMaxValue<T>
{
    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out T value) =>
        NumberNotation.TryParse(text, NumberStyles.Integer, format, out value);

    public string? Explain(ReadOnlySpan<char> text, ValueFormat format) => NumberNotation.Explain(text, format);

    // The range helps only where it is small enough to be hit by real data.
    public override bool TryFormat(T value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, null);

    public override string Describe(ValueFormat format) =>
        long.CreateSaturating(T.MaxValue) < int.MaxValue
            ? string.Create(format.Culture, $"a whole number from {T.MinValue} to {T.MaxValue}")
            : T.IsNegative(T.MinValue) ? "a whole number" : "a whole number, 0 or more";
}

/// <summary>Floating-point and decimal numbers, in the culture's notation.</summary>
internal sealed class RealConverter<T> : ValueConverter<T>, IExplainsRejection
    where T : IFloatingPoint<T>
{
    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out T value) =>
        NumberNotation.TryParse(text, NumberStyles.Float, format, out value);

    public string? Explain(ReadOnlySpan<char> text, ValueFormat format) => NumberNotation.Explain(text, format);

    public override bool TryFormat(T value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, null);

    public override string Describe(ValueFormat format) =>
        string.Create(format.Culture, $"a number like {1234.5m}");
}

/// <summary>
/// An enum member by its label (<c>[Display(Name = "In stock")]</c> or <c>[EnumMember(Value = "in-stock")]</c>, matched in
/// the column's culture ignoring case and accents), by name (case, spaces and separators ignored) or by its defined
/// number; written as its label, else its name.
/// </summary>
internal sealed class EnumConverter<TEnum> : ValueConverter<TEnum>
    where TEnum : struct, Enum
{
    // Each labelled member once, by its label, and its label by the member.
    private static readonly KeyValuePair<string, TEnum>[] Labelled = [.. typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (Value: (TEnum)f.GetValue(null)!, Label: f.GetCustomAttribute<System.ComponentModel.DataAnnotations.DisplayAttribute>()?.GetName()
            ?? f.GetCustomAttribute<System.Runtime.Serialization.EnumMemberAttribute>()?.Value))
        .Where(l => !string.IsNullOrWhiteSpace(l.Label))
        .DistinctBy(l => l.Value)
        .Select(l => KeyValuePair.Create(l.Label!.Trim(), l.Value))];

    private static readonly FrozenDictionary<TEnum, string> Labels = Labelled.ToFrozenDictionary(l => l.Value, l => l.Key);

    private static readonly FrozenDictionary<string, TEnum> ByName = Enum.GetValues<TEnum>()
        .DistinctBy(v => HeaderText.Normalize(v.ToString()))
        .ToFrozenDictionary(v => HeaderText.Normalize(v.ToString()), v => v);

    private static readonly bool IsFlags = typeof(TEnum).IsDefined(typeof(FlagsAttribute), false);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out TEnum value)
    {
        text = text.Trim();

        // Enum.TryParse reads "Red, Green" as Red|Green: only a [Flags] enum combines values.
        if (!IsFlags && text.Contains(','))
        {
            value = default;
            return false;
        }

        if (ValueLabels.TryFind(Labelled, text, format.Culture, out value))
        {
            return true;
        }

        if (text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '-'))
        {
            return Enum.TryParse(text, out value) && (IsFlags || Enum.IsDefined(value));
        }

        // A member's own name (any case) needs no normalised copy; spaced or separated spellings do.
        if ((Enum.TryParse(text, ignoreCase: true, out value) && (IsFlags || Enum.IsDefined(value)))
            || ByName.TryGetValue(HeaderText.Normalize(text), out value))
        {
            return true;
        }

        return false;
    }

    public override string? Format(TEnum value, ValueFormat format) => Labels.GetValueOrDefault(value) ?? value.ToString();

    public override string Describe(ValueFormat format) =>
        "one of: " + string.Join(", ", Enum.GetNames<TEnum>().Select(n => Labels.GetValueOrDefault(Enum.Parse<TEnum>(n)) ?? n).Distinct());
}

/// <summary>A GUID in any of the usual notations.</summary>
internal sealed class GuidConverter : ValueConverter<Guid>
{
    private const string DefaultFormat = "D";

    public override bool TryFormat(Guid value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out Guid value) =>
        Guid.TryParse(text, out value);

    public override string? Format(Guid value, ValueFormat format) => value.ToString(format.OutputFormat ?? DefaultFormat);

    public override string Describe(ValueFormat format) => "an identifier like 3f2504e0-4f89-11d3-9a0c-0305e82c3301";
}

/// <summary>Shared wording for the date and time converters.</summary>
internal static class TemporalText
{
    private static readonly DateTime Sample = new(2024, 3, 31, 14, 30, 0, DateTimeKind.Unspecified);

    /// <summary>Describes a date/time value, quoting the exact format when one is set.</summary>
    public static string Describe(string what, string defaultFormat, ValueFormat format) =>
        format.OutputFormat is { } exact
            ? $"{what} in the format {exact}, like {Sample.ToString(exact, format.Culture)}"
            : $"{what} like {Sample.ToString(defaultFormat, format.Culture)}";
}

/// <summary>
/// The parsing shared by the date converters: exact formats when the column has some, otherwise any
/// spelling the culture reads, except a day/month order no culture decides (<see cref="DateNotation"/>).
/// </summary>
internal abstract class DateConverter<T> : ValueConverter<T>, IExplainsRejection
{
    public sealed override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out T value)
    {
        if (format.FormatArray.Length > 0)
        {
            return TryParseExact(text, format, out value);
        }

        value = default;
        return !DateNotation.IsAmbiguous(text, format) && TryParseAny(text, format, out value);
    }

    public string? Explain(ReadOnlySpan<char> text, ValueFormat format) => DateNotation.Explain(text, format);

    protected abstract bool TryParseExact(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out T value);

    protected abstract bool TryParseAny(ReadOnlySpan<char> text, ValueFormat format, [MaybeNullWhen(false)] out T value);
}

/// <summary>
/// A date and time; ISO 8601 always works, other spellings by culture or exact format. A value with an
/// offset or <c>Z</c> is the same instant in UTC (never the machine's local time); one without stays unspecified.
/// </summary>
internal sealed class DateTimeConverter : DateConverter<DateTime>
{
    private const string DefaultFormat = "O";

    public override bool TryFormat(DateTime value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    // A time with no date reads as 0001-01-01, never as today: imports must not depend on the day they run.
    private const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal | DateTimeStyles.NoCurrentDateDefault;

    protected override bool TryParseExact(ReadOnlySpan<char> text, ValueFormat format, out DateTime value) =>
        DateTime.TryParseExact(text, format.FormatArray, format.Culture, Styles, out value);

    protected override bool TryParseAny(ReadOnlySpan<char> text, ValueFormat format, out DateTime value) =>
        DateTime.TryParse(text, format.Culture, Styles, out value);

    public override string? Format(DateTime value, ValueFormat format) =>
        value.ToString(format.OutputFormat ?? DefaultFormat, format.Culture);

    public override string Describe(ValueFormat format) => TemporalText.Describe("a date", "yyyy-MM-dd", format);
}

/// <summary>A date and time with its offset from UTC (UTC when the text gives none).</summary>
internal sealed class DateTimeOffsetConverter : DateConverter<DateTimeOffset>
{
    private const string DefaultFormat = "O";

    public override bool TryFormat(DateTimeOffset value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    private const DateTimeStyles Styles = DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AssumeUniversal;

    protected override bool TryParseExact(ReadOnlySpan<char> text, ValueFormat format, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, format.FormatArray, format.Culture, Styles, out value);

    protected override bool TryParseAny(ReadOnlySpan<char> text, ValueFormat format, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, format.Culture, Styles, out value);

    public override string? Format(DateTimeOffset value, ValueFormat format) =>
        value.ToString(format.OutputFormat ?? DefaultFormat, format.Culture);

    public override string Describe(ValueFormat format) =>
        TemporalText.Describe("a date and time", "yyyy-MM-dd HH:mm:ss", format) + " (optionally with +hh:mm)";
}

/// <summary>A calendar date with no time.</summary>
internal sealed class DateOnlyConverter : DateConverter<DateOnly>
{
    private const string DefaultFormat = "yyyy-MM-dd";

    public override bool TryFormat(DateOnly value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    protected override bool TryParseExact(ReadOnlySpan<char> text, ValueFormat format, out DateOnly value) =>
        DateOnly.TryParseExact(text, format.FormatArray, format.Culture, DateTimeStyles.AllowWhiteSpaces, out value);

    protected override bool TryParseAny(ReadOnlySpan<char> text, ValueFormat format, out DateOnly value) =>
        DateOnly.TryParse(text, format.Culture, DateTimeStyles.AllowWhiteSpaces, out value);

    public override string? Format(DateOnly value, ValueFormat format) =>
        value.ToString(format.OutputFormat ?? DefaultFormat, format.Culture);

    public override string Describe(ValueFormat format) => TemporalText.Describe("a date", "yyyy-MM-dd", format);
}

/// <summary>A time of day.</summary>
internal sealed class TimeOnlyConverter : ValueConverter<TimeOnly>
{
    private const string DefaultFormat = "HH:mm:ss.FFFFFFF";

    public override bool TryFormat(TimeOnly value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out TimeOnly value) =>
        format.FormatArray.Length > 0
            ? TimeOnly.TryParseExact(text, format.FormatArray, format.Culture, DateTimeStyles.AllowWhiteSpaces, out value)
            : TimeOnly.TryParse(text, format.Culture, DateTimeStyles.AllowWhiteSpaces, out value);

    public override string? Format(TimeOnly value, ValueFormat format) =>
        value.ToString(format.OutputFormat ?? DefaultFormat, format.Culture);

    public override string Describe(ValueFormat format) => TemporalText.Describe("a time", "HH:mm", format);
}

/// <summary>A duration such as <c>1.02:03:04</c>.</summary>
internal sealed class TimeSpanConverter : ValueConverter<TimeSpan>
{
    private const string DefaultFormat = "c";

    public override bool TryFormat(TimeSpan value, Span<char> destination, out int written, ValueFormat format) =>
        SpanFormat.TryFormat(value, destination, out written, format, DefaultFormat);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out TimeSpan value) =>
        format.FormatArray.Length > 0
            ? TimeSpan.TryParseExact(text.Trim(), format.FormatArray, format.Culture, out value)
            : TimeSpan.TryParse(text.Trim(), format.Culture, out value);

    public override string? Format(TimeSpan value, ValueFormat format) =>
        value.ToString(format.OutputFormat ?? DefaultFormat, format.Culture);

    public override string Describe(ValueFormat format) => "a duration like 1.02:30:00 (days.hours:minutes:seconds)";
}

/// <summary>Lifts a converter to the nullable form of its type; empty cells never reach it.</summary>
internal sealed class NullableConverter<T>(ValueConverter<T> inner) : ValueConverter<T?>, IExplainsRejection
    where T : struct
{
    public ValueConverter<T> Inner => inner;

    public string? Explain(ReadOnlySpan<char> text, ValueFormat format) => (inner as IExplainsRejection)?.Explain(text, format);

    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out T? value)
    {
        var parsed = inner.TryParse(text, format, out var result);
        value = parsed ? result : null;
        return parsed;
    }

    public override string? Format(T? value, ValueFormat format) => value is { } v ? inner.Format(v, format) : null;

    public override string Describe(ValueFormat format) => inner.Describe(format);
}
