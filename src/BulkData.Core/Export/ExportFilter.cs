using System.ComponentModel;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;
using BulkData.Resources;

namespace BulkData.Export;

/// <summary>
/// An export filter that can be stored with a queued or scheduled job: conditions (field, operator, value)
/// joined with all/any, and date spans relative to the run time ("the last 7 days"). It is translated into
/// the rows' <see cref="IQueryable{T}"/>, so a database filters. Fields are the resource's column headers or
/// member names; values are written invariantly (<c>12.5</c>, <c>2026-12-01</c>), spans in ISO 8601
/// (<c>P7D</c>, <c>PT12H</c>). Check it against a resource with <see cref="Validate{T}"/> (scheduled exports
/// do at registration), so a bad field or value fails at start, not at the run.
/// </summary>
public sealed record ExportFilter
{
    // Names in any case (clients write camelCase), and a misspelt one is refused rather than left out of the filter.
    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The field a condition tests; null for a group.</summary>
    public string? Field { get; init; }

    /// <summary>The comparison of a condition.</summary>
    public FilterOperator Operator { get; init; }

    /// <summary>The value a condition compares with (invariant text, or an ISO 8601 span); null for the operators that take none.</summary>
    public string? Value { get; init; }

    /// <summary>The filters of a group, all of which (<see cref="MatchAny"/> false) or any of which must match.</summary>
    public IReadOnlyList<ExportFilter>? Filters { get; init; }

    /// <summary>True when a group matches if any of its filters does; false when all must.</summary>
    public bool MatchAny { get; init; }

    /// <summary>A condition on one field.</summary>
    /// <param name="field">A column header or member name.</param>
    /// <param name="comparison">The comparison.</param>
    /// <param name="value">The value, invariant text or an ISO 8601 span; null for <see cref="FilterOperator.IsEmpty"/> and <see cref="FilterOperator.IsNotEmpty"/>.</param>
    /// <returns>The filter.</returns>
    public static ExportFilter Where(string field, FilterOperator comparison, string? value = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        return new ExportFilter { Field = field, Operator = comparison, Value = value };
    }

    /// <summary>A group that matches when every filter matches.</summary>
    /// <param name="filters">The filters.</param>
    /// <returns>The filter.</returns>
    public static ExportFilter All(params ExportFilter[] filters) => new() { Filters = filters };

    /// <summary>A group that matches when any filter matches.</summary>
    /// <param name="filters">The filters.</param>
    /// <returns>The filter.</returns>
    public static ExportFilter Any(params ExportFilter[] filters) => new() { Filters = filters, MatchAny = true };

    /// <summary>Reads a filter stored with <see cref="ToJson"/>: property names and operators in any case, operators by name only.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The filter.</returns>
    /// <exception cref="BulkDataConfigurationException">The JSON is not a filter.</exception>
    public static ExportFilter FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ExportFilter>(json, Json) ?? throw new JsonException("null");
        }
        catch (JsonException e)
        {
            throw new BulkDataConfigurationException(nameof(ExportFilter), $"The stored export filter could not be read: {e.Message}");
        }
    }

    /// <summary>The filter as JSON, to store with a job.</summary>
    /// <returns>The JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Checks every field and value against a resource, as a run would read them.</summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <exception cref="BulkDataConfigurationException">A field is unknown, or a value does not read as its field's type; the message names them.</exception>
    public void Validate<T>(Resource<T> resource)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(resource);
        _ = ToExpression(resource, DateTimeOffset.UnixEpoch);
    }

    /// <summary>The filter as a predicate over the resource's items, relative spans counted back from <paramref name="now"/>.</summary>
    internal Expression<Func<T, bool>> ToExpression<T>(Resource<T> resource, DateTimeOffset now)
        where T : class
    {
        var item = Expression.Parameter(typeof(T), "item");
        return Expression.Lambda<Func<T, bool>>(Build(resource, item, now), item);
    }

    private Expression Build<T>(Resource<T> resource, ParameterExpression item, DateTimeOffset now)
        where T : class
    {
        if (Field is null)
        {
            var parts = (Filters ?? []).Select(f => f?.Build(resource, item, now) ?? throw Problem("A group of filters holds an empty filter (null). Remove it, or write the condition it stands for.")).ToList();
            return parts.Count == 0
                ? Expression.Constant(true)
                : parts.Aggregate(MatchAny ? Expression.OrElse : Expression.AndAlso);
        }

        if (Filters is not null)
        {
            throw Problem($"A filter names either a field or filters, not both: make the condition on '{Field}' one of the group's filters.");
        }

        var column = resource.Columns.FirstOrDefault(c => !c.IsComputed && (string.Equals(c.Name, Field, StringComparison.OrdinalIgnoreCase) || string.Equals(c.MemberName, Field, StringComparison.OrdinalIgnoreCase)))
            ?? throw Problem($"The resource {resource.Name} has no field '{Field}' to filter on. Its fields are: {string.Join(", ", resource.Columns.Where(c => !c.IsComputed).Select(c => c.Name))}.");
        var member = Expression.PropertyOrField(item, column.MemberName);
        var type = column.ValueType;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return Operator switch
        {
            FilterOperator.IsEmpty or FilterOperator.IsNotEmpty when type.IsValueType && underlying == type =>
                throw Problem($"'{Field}' always holds a {type.Name} value, so '{Operator}' would match {(Operator == FilterOperator.IsEmpty ? "no" : "every")} row; remove the condition."),
            FilterOperator.IsEmpty => Expression.Equal(member, Expression.Constant(null, type)),
            FilterOperator.IsNotEmpty => Expression.NotEqual(member, Expression.Constant(null, type)),
            FilterOperator.Contains or FilterOperator.StartsWith when underlying == typeof(string) =>
                Expression.AndAlso(
                    Expression.NotEqual(member, Expression.Constant(null, type)),
                    Expression.Call(member, typeof(string).GetMethod(Operator.ToString(), [typeof(string)])!, Expression.Constant(RequiredValue()))),
            FilterOperator.Contains or FilterOperator.StartsWith => throw Problem($"'{Operator}' needs a text field, and '{Field}' holds {underlying.Name} values."),
            FilterOperator.WithinLast or FilterOperator.OlderThan => Compare(member, type, Operator == FilterOperator.WithinLast ? ExpressionType.GreaterThanOrEqual : ExpressionType.LessThan, Since(now, underlying)),
            _ => Compare(member, type, Operator switch
            {
                FilterOperator.Equal => ExpressionType.Equal,
                FilterOperator.NotEqual => ExpressionType.NotEqual,
                FilterOperator.LessThan => ExpressionType.LessThan,
                FilterOperator.LessThanOrEqual => ExpressionType.LessThanOrEqual,
                FilterOperator.GreaterThan => ExpressionType.GreaterThan,
                _ => ExpressionType.GreaterThanOrEqual,
            }, Parse(underlying)),
        };
    }

    private BinaryExpression Compare(MemberExpression member, Type type, ExpressionType comparison, object value)
    {
        try
        {
            return Expression.MakeBinary(comparison, member, Expression.Constant(value, type));
        }
        catch (InvalidOperationException)
        {
            throw Problem($"'{Operator}' does not apply to '{Field}', which holds {(Nullable.GetUnderlyingType(type) ?? type).Name} values.");
        }
    }

    /// <summary>The instant a relative span reaches back to, in the field's own date type.</summary>
    private object Since(DateTimeOffset now, Type type)
    {
        if (type != typeof(DateTimeOffset) && type != typeof(DateTime) && type != typeof(DateOnly))
        {
            throw Problem($"'{Operator}' needs a date field, and '{Field}' holds {type.Name} values.");
        }

        TimeSpan span;
        try
        {
            span = XmlConvert.ToTimeSpan(RequiredValue());
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw Problem($"'{Value}' is not a span of time for '{Field}'. Write it in ISO 8601, e.g. P7D for 7 days or PT12H for 12 hours.");
        }

        // A span longer than the calendar reaches back to its first day: every date is within it.
        var since = span >= now - DateTimeOffset.MinValue ? DateTimeOffset.MinValue : now - span;
        return type == typeof(DateTimeOffset) ? since
            : type == typeof(DateTime) ? since.UtcDateTime
            : DateOnly.FromDateTime(since.UtcDateTime);
    }

    private object Parse(Type type)
    {
        var text = RequiredValue();
        try
        {
            return TypeDescriptor.GetConverter(type).ConvertFromInvariantString(text)
                ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            throw Problem($"'{text}' is not a value of '{Field}', which holds {type.Name} values. Write it invariantly, e.g. 12.5 or 2026-12-01.");
        }
    }

    private string RequiredValue() => Value ?? throw Problem($"The condition '{Field} {Operator}' needs a value.");

    private BulkDataConfigurationException Problem(string message) =>
        new($"{nameof(ExportFilter)}.{Field}", message);
}
