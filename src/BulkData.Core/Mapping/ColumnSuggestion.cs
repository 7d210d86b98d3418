namespace BulkData.Mapping;

/// <summary>A likely match between an unmapped header and an unmatched column, for "did you mean" messages.</summary>
/// <param name="Header">The header text in the file.</param>
/// <param name="Column">The resource column's name.</param>
/// <param name="Score">The similarity from 0 to 1.</param>
public sealed record ColumnSuggestion(string Header, string Column, double Score);
