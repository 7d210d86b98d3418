using System.Text.Json.Serialization;

namespace BulkData.Export;

/// <summary>How an <see cref="ExportFilter"/> condition compares a field with its value.</summary>
[JsonConverter(typeof(FilterOperatorJsonConverter))]
public enum FilterOperator
{
    /// <summary>The field equals the value.</summary>
    Equal,

    /// <summary>The field differs from the value.</summary>
    NotEqual,

    /// <summary>The field is less than the value (numbers, dates).</summary>
    LessThan,

    /// <summary>The field is less than or equal to the value (numbers, dates).</summary>
    LessThanOrEqual,

    /// <summary>The field is greater than the value (numbers, dates).</summary>
    GreaterThan,

    /// <summary>The field is greater than or equal to the value (numbers, dates).</summary>
    GreaterThanOrEqual,

    /// <summary>The text field contains the value.</summary>
    Contains,

    /// <summary>The text field starts with the value.</summary>
    StartsWith,

    /// <summary>The field has no value (null). Takes no value.</summary>
    IsEmpty,

    /// <summary>The field has a value. Takes no value.</summary>
    IsNotEmpty,

    /// <summary>The date field falls within the given span before the run, e.g. <c>P7D</c>: "the last 7 days".</summary>
    WithinLast,

    /// <summary>The date field is older than the given span before the run, e.g. <c>P30D</c>.</summary>
    OlderThan,
}
