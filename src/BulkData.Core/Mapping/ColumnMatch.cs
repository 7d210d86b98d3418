namespace BulkData.Mapping;

/// <summary>One file column mapped to one resource column.</summary>
/// <param name="HeaderIndex">The 0-based position of the column in the file.</param>
/// <param name="Header">The header text in the file.</param>
/// <param name="Column">The resource column's name.</param>
/// <param name="Kind">How the match was made.</param>
/// <param name="Score">The similarity, 1 for anything but fuzzy matches.</param>
public sealed record ColumnMatch(int HeaderIndex, string Header, string Column, MatchKind Kind, double Score);
