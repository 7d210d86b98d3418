using BulkData.Validation;

namespace BulkData.Mapping;

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
