using System.ComponentModel.DataAnnotations;
using BulkData.Validation;

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

/// <summary>One file column mapped to one resource column.</summary>
/// <param name="HeaderIndex">The 0-based position of the column in the file.</param>
/// <param name="Header">The header text in the file.</param>
/// <param name="Column">The resource column's name.</param>
/// <param name="Kind">How the match was made.</param>
/// <param name="Score">The similarity, 1 for anything but fuzzy matches.</param>
public sealed record ColumnMatch(int HeaderIndex, string Header, string Column, MatchKind Kind, double Score);

/// <summary>A likely match between an unmapped header and an unmatched column, for "did you mean" messages.</summary>
/// <param name="Header">The header text in the file.</param>
/// <param name="Column">The resource column's name.</param>
/// <param name="Score">The similarity from 0 to 1.</param>
public sealed record ColumnSuggestion(string Header, string Column, double Score);

/// <summary>How file headers are matched to resource columns.</summary>
public sealed class MappingOptions
{
    /// <summary>The least similarity (0 to 1) for a fuzzy suggestion. Default: 0.7.</summary>
    [Range(0.0, 1.0)]
    public double SuggestionThreshold { get; set; } = 0.7;

    /// <summary>Maps each unmatched column to its best suggestion, with a warning. Default: false (suggestions only).</summary>
    public bool AcceptSuggestions { get; set; }
}

/// <summary>
/// The mapping used for an import: which file column feeds which resource column, what was left
/// unmapped, and the header problems that stop the import before any row is read.
/// </summary>
public sealed class ColumnMapping
{
    internal ColumnMapping(
        IReadOnlyList<string> headers,
        IReadOnlyList<ColumnMatch> matches,
        IReadOnlyList<string> unmappedHeaders,
        IReadOnlyList<string> missingColumns,
        IReadOnlyList<ColumnSuggestion> suggestions,
        IReadOnlyList<RowError> errors,
        IReadOnlyList<string> warnings,
        int[] columnOfHeader)
    {
        Headers = headers;
        Matches = matches;
        UnmappedHeaders = unmappedHeaders;
        MissingColumns = missingColumns;
        Suggestions = suggestions;
        Errors = errors;
        Warnings = warnings;
        ColumnOfHeader = columnOfHeader;
    }

    /// <summary>The file's headers, in file order (named by position for a file without a header row).</summary>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The file columns that were mapped, in file order.</summary>
    public IReadOnlyList<ColumnMatch> Matches { get; }

    /// <summary>File headers that feed no column (they are ignored, with a warning).</summary>
    public IReadOnlyList<string> UnmappedHeaders { get; }

    /// <summary>Resource columns the file does not have (an error when required).</summary>
    public IReadOnlyList<string> MissingColumns { get; }

    /// <summary>Fuzzy suggestions for unmapped headers, best first.</summary>
    public IReadOnlyList<ColumnSuggestion> Suggestions { get; }

    /// <summary>Header problems: missing required columns and duplicate headers.</summary>
    public IReadOnlyList<RowError> Errors { get; }

    /// <summary>Unmapped headers and accepted suggestions, as messages.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>True when the rows can be imported with this mapping.</summary>
    public bool IsValid => Errors.Count == 0;

    /// <summary>For each file column, the index of the resource column it feeds, or -1.</summary>
    internal int[] ColumnOfHeader { get; }
}
