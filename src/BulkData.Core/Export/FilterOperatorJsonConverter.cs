using System.Text.Json.Serialization;

namespace BulkData.Export;

/// <summary>Reads a <see cref="FilterOperator"/> by its name, in any case; a number is refused, so an operator is never guessed.</summary>
internal sealed class FilterOperatorJsonConverter() : JsonStringEnumConverter<FilterOperator>(namingPolicy: null, allowIntegerValues: false);
