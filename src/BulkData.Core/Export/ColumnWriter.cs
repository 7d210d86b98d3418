using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.Export;

/// <summary>
/// Writes one exported column's values as typed cells of a sink's current row. Built once per column from the
/// column's binding, so resources know nothing of sinks and no value is boxed on the way.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
internal abstract class ColumnWriter<T>
{
    /// <summary>Writes the item's value of the column as the next cell of the sink's current row.</summary>
    public abstract void Write(T item, IExportSink sink);

    /// <summary>One writer per column, in the columns' order.</summary>
    public static ColumnWriter<T>[] For(IEnumerable<IColumnBinding<T>> columns) =>
        columns.Select(column => column.Accept(Builder.Instance)).ToArray();

    private sealed class Builder : IColumnVisitor<T, ColumnWriter<T>>
    {
        public static readonly Builder Instance = new();

        public ColumnWriter<T> Visit<TValue>(Func<T, TValue> read, ValueConverter<TValue> converter, ValueFormat format) =>
            converter is LookupConverter<TValue> ? new Named<TValue>(read, converter, format) : new Typed<TValue>(read, converter, format);
    }

    /// <summary>A lookup column's: the referenced record's natural key, as text (a number key would otherwise go out as a number).</summary>
    private sealed class Named<TValue>(Func<T, TValue> read, ValueConverter<TValue> converter, ValueFormat format) : ColumnWriter<T>
    {
        public override void Write(T item, IExportSink sink)
        {
            if (read(item) is { } value && converter.Format(value, format) is { } text)
            {
                sink.WriteCell(text, StringConverter.Instance, format);
            }
            else
            {
                sink.WriteEmptyCell();
            }
        }
    }

    private sealed class Typed<TValue>(Func<T, TValue> read, ValueConverter<TValue> converter, ValueFormat format) : ColumnWriter<T>
    {
        public override void Write(T item, IExportSink sink) => CellWriter<TValue>.Write(read(item), converter, format, sink);
    }
}

/// <summary>
/// Hands a value to a sink as its underlying type, so a nullable number reaches the sink as a number
/// (not as a <see cref="Nullable{T}"/>) and an empty value as an empty cell.
/// </summary>
internal static class CellWriter<TValue>
{
    private static readonly Action<TValue, ValueConverter<TValue>, ValueFormat, IExportSink> WriteValue = CreateWriter();

    public static void Write(TValue value, ValueConverter<TValue> converter, ValueFormat format, IExportSink sink)
    {
        if (value is null)
        {
            sink.WriteEmptyCell();
        }
        else
        {
            WriteValue(value, converter, format, sink);
        }
    }

    private static Action<TValue, ValueConverter<TValue>, ValueFormat, IExportSink> CreateWriter()
    {
        if (Nullable.GetUnderlyingType(typeof(TValue)) is not { } underlying)
        {
            return static (value, converter, format, sink) => sink.WriteCell(value, converter, format);
        }

        var method = typeof(CellWriter<TValue>).GetMethod(nameof(WriteUnwrapped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(underlying);
        return method.CreateDelegate<Action<TValue, ValueConverter<TValue>, ValueFormat, IExportSink>>();
    }

    // Called for TValue = TInner?: the value is known not to be null here. A custom converter of the
    // nullable type itself has no typed inner form, so its text is written.
    private static void WriteUnwrapped<TInner>(TInner? value, ValueConverter<TInner?> converter, ValueFormat format, IExportSink sink)
        where TInner : struct
    {
        if (converter is NullableConverter<TInner> lifted)
        {
            sink.WriteCell(value!.Value, lifted.Inner, format);
        }
        else
        {
            sink.WriteCell(converter.Format(value, format) ?? string.Empty, StringConverter.Instance, format);
        }
    }
}
