using System.ComponentModel.DataAnnotations;
using BulkData.Mapping;

namespace BulkData.Resources;

/// <summary>The typed, compiled operations of a column over its resource's type.</summary>
internal interface IColumnBinding<in T>
{
    ResourceColumn Column { get; }

    /// <summary>DataAnnotations attributes to check on the member's value (empty for most columns).</summary>
    IReadOnlyList<ValidationAttribute> Attributes { get; }

    /// <summary>
    /// Converts the cell text and sets the member; returns an error message or null. A typed cell (an XLSX
    /// number or date, a JSON number) is written by a program in invariant notation and is tried that way
    /// first; text is read in <paramref name="format"/> only, the column's or the import's.
    /// </summary>
    string? TryAssign(T item, string? raw, ValueFormat format, bool typed);

    /// <summary>The same from a span of the source's buffer: no string is made unless the member is one.</summary>
    string? TryAssign(T item, ReadOnlySpan<char> raw, ValueFormat format, bool typed);

    /// <summary>Reads the member's value (boxed; used off the hot path by validation and export).</summary>
    object? GetValue(T item);

    /// <summary>Reads the member's value as cell text in a format (a data package's invariant one), or null for an empty cell.</summary>
    string? FormatValue(T item, ValueFormat format);

    /// <summary>Hands the column's typed accessor, converter and format to a visitor, which builds what it needs once per column.</summary>
    TResult Accept<TResult>(IColumnVisitor<T, TResult> visitor);

    /// <summary>The records the column looks up by natural key (<c>LookUp</c>), or null.</summary>
    ReferenceLookup? Lookup => null;

    /// <summary>A lookup column's: finds the natural keys of the records the items refer to, so an export writes those.</summary>
    ValueTask NameReferencesAsync(Import.IReferenceResolver resolver, IReadOnlyList<T> items, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>The column as one run uses it: a lookup column's copy remembers what that run resolved, and no other run sees it.</summary>
    IColumnBinding<T> ForRun() => this;
}

/// <summary>
/// Receives a column with its value type known, so that a caller (the export's cell writer) builds typed code for
/// the column once, and neither boxes its values nor makes the resource know what it is building.
/// </summary>
internal interface IColumnVisitor<out T, out TResult>
{
    TResult Visit<TValue>(Func<T, TValue> read, ValueConverter<TValue> converter, ValueFormat format);
}

/// <summary>A column backed by a property, with compiled accessors (no reflection per cell).</summary>
internal sealed class MemberColumn<T, TValue> : ResourceColumn, IColumnBinding<T>
{
    private readonly Func<T, TValue> getter;
    private readonly Action<T, TValue>? setter;
    private readonly ValueConverter<TValue> converter;
    private readonly TValue emptyValue;
    private readonly bool acceptsEmpty;

    private readonly ColumnDraft draft;

    public MemberColumn(ColumnDraft draft, Func<T, TValue> getter, Action<T, TValue>? setter, ValueConverter<TValue> converter)
        : base(draft.Name, draft.MemberName, typeof(TValue))
    {
        this.draft = draft;
        this.getter = getter;
        this.setter = setter;
        this.converter = converter;
        Aliases = draft.Aliases.ToArray();
        IsRequired = draft.IsRequired || draft.IsKey;
        IsRequiredInEveryFile = draft.IsRequiredExplicitly || draft.IsKey;
        IsKey = draft.IsKey;
        IsImported = setter is not null && !draft.ExportOnly;
        IsExported = !draft.ImportOnly;
        Format = draft.Format;
        Order = draft.Order;
        Position = draft.Position;
        Attributes = draft.Attributes;

        // An empty cell is null for nullable members, "" for non-nullable strings, and an error otherwise.
        acceptsEmpty = draft.AcceptsNull || typeof(TValue) == typeof(string);
        emptyValue = !draft.AcceptsNull && typeof(TValue) == typeof(string) ? (TValue)(object)string.Empty : default!;
    }

    public ResourceColumn Column => this;

    public IReadOnlyList<ValidationAttribute> Attributes { get; }

    public ReferenceLookup? Lookup => (converter as LookupConverter<TValue>)?.Lookup;

    public IColumnBinding<T> ForRun() => converter is LookupConverter<TValue> lookup ? new MemberColumn<T, TValue>(draft, getter, setter, lookup.ForRun()) : this;

    public ValueTask NameReferencesAsync(Import.IReferenceResolver resolver, IReadOnlyList<T> items, CancellationToken cancellationToken) =>
        Lookup is { } lookup ? lookup.NameAsync<TValue>(resolver, [.. items.Select(getter).Where(v => v is not null).Distinct()], cancellationToken) : ValueTask.CompletedTask;

    public string? TryAssign(T item, string? raw, ValueFormat format, bool typed)
    {
        // A string member takes the cell's own string rather than a copy of it.
        if (typeof(TValue) == typeof(string) && !string.IsNullOrEmpty(raw))
        {
            setter!(item, (TValue)(object)raw);
            return null;
        }

        return Assign(item, raw.AsSpan(), format, typed, raw);
    }

    public string? TryAssign(T item, ReadOnlySpan<char> raw, ValueFormat format, bool typed) => Assign(item, raw, format, typed, null);

    private string? Assign(T item, ReadOnlySpan<char> raw, ValueFormat format, bool typed, string? rawText)
    {
        if (raw.IsEmpty || (typeof(TValue) != typeof(string) && raw.IsWhiteSpace()))
        {
            if (!acceptsEmpty)
            {
                return $"{Name} is empty. Enter {converter.Describe(format)}.";
            }

            setter!(item, emptyValue);
            return null;
        }

        if (!(typed && converter.TryParse(raw, ValueFormat.Invariant, out var value)) && !converter.TryParse(raw, format, out value))
        {
            // Explanations quote the whole text, so they are kept for values short enough to read.
            var explained = raw.Length <= 60 ? (converter as IExplainsRejection)?.Explain(raw, format) : null;
            return explained ?? $"'{Shorten(rawText ?? raw.ToString())}' is not {converter.Describe(format)}.";
        }

        setter!(item, value);
        return null;
    }

    public object? GetValue(T item) => getter(item);

    public string? FormatValue(T item, ValueFormat format)
    {
        var value = getter(item);
        return value is null ? null : converter.Format(value, format);
    }

    public TResult Accept<TResult>(IColumnVisitor<T, TResult> visitor) => visitor.Visit(getter, converter, Format);

    private static string Shorten(string raw) => raw.Length > 60 ? string.Concat(raw.AsSpan(0, 60), "…") : raw;
}

/// <summary>An export-only column whose value is computed from the whole item.</summary>
internal sealed class ComputedColumn<T, TValue> : ResourceColumn, IColumnBinding<T>
{
    private readonly Func<T, TValue> compute;
    private readonly ValueConverter<TValue> converter;

    public ComputedColumn(string name, int order, Func<T, TValue> compute, ValueConverter<TValue> converter, ValueFormat format)
        : base(name, name, typeof(TValue))
    {
        this.compute = compute;
        this.converter = converter;
        IsComputed = true;
        Order = order;
        Format = format;
    }

    public ResourceColumn Column => this;

    public IReadOnlyList<ValidationAttribute> Attributes => [];

    public string? TryAssign(T item, string? raw, ValueFormat format, bool typed) => null;

    public string? TryAssign(T item, ReadOnlySpan<char> raw, ValueFormat format, bool typed) => null;

    public object? GetValue(T item) => compute(item);

    public string? FormatValue(T item, ValueFormat format)
    {
        var value = compute(item);
        return value is null ? null : converter.Format(value, format);
    }

    public TResult Accept<TResult>(IColumnVisitor<T, TResult> visitor) => visitor.Visit(compute, converter, Format);
}
