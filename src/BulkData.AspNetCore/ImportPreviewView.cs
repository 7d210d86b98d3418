namespace BulkData.AspNetCore;

/// <summary>
/// The first rows of an upload as they would be imported: the mapping chosen (each match with its kind and
/// score), headers left unmapped with suggestions, missing columns, and each row's cells and errors.
/// </summary>
/// <param name="Status">Validated when every previewed row is valid and the columns match; ValidationFailed otherwise.</param>
/// <param name="Headers">The file's headers, in file order.</param>
/// <param name="Matches">Each mapped header with its column, how it matched and the confidence (0 to 1).</param>
/// <param name="UnmappedHeaders">Headers that map to no column.</param>
/// <param name="MissingColumns">Columns that no header maps to.</param>
/// <param name="Suggestions">Close matches for unmapped headers, to offer a user.</param>
/// <param name="Warnings">Warnings about the file.</param>
/// <param name="Errors">Mapping errors and row errors.</param>
/// <param name="Rows">The rows read.</param>
public sealed record ImportPreviewView(
    Jobs.JobStatus Status,
    IReadOnlyList<string> Headers,
    IReadOnlyList<Mapping.ColumnMatch> Matches,
    IReadOnlyList<string> UnmappedHeaders,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<Mapping.ColumnSuggestion> Suggestions,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<Validation.RowError> Errors,
    IReadOnlyList<PreviewRowView> Rows)
{
    /// <summary>The values of lookup columns that name no record, per column, each once (trimmed), in the order met.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Unresolved { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
}
