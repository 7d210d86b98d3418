namespace BulkData.Mapping;

/// <summary>How a file header was matched to a column.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MatchKind>))]
public enum MatchKind
{
    /// <summary>A mapping the caller gave explicitly.</summary>
    Explicit,

    /// <summary>The header equals the column's name or one of its aliases.</summary>
    Exact,

    /// <summary>The header equals the column's name, member name or an alias once case, spaces and punctuation are ignored.</summary>
    Normalized,

    /// <summary>The header is similar to the column's name and suggestions were accepted.</summary>
    Fuzzy,

    /// <summary>The file has no header row; the column was read from its <c>Position</c>.</summary>
    Position,
}
