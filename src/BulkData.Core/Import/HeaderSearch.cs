using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sources;

namespace BulkData.Import;

/// <summary>
/// Where a file's header is: the candidate row that names most of the resource's fields, among one reading's first
/// rows (<see cref="XlsxSourceOptions.FindHeaderRow"/>) or, for a file whose headers do not do, across every sheet of
/// the workbook, to tell the user what to set.
/// </summary>
internal static class HeaderSearch
{
    // A header a person wrote holds a few dozen cells: wider rows (data, or a hostile sheet) are not scored for a
    // hint, which would cost more than the import it explains.
    private const int MaxHintCells = 256;

    /// <summary>The candidate naming most of the columns exactly or normalised (the first of equals), and how many it names.</summary>
    public static (int Index, int Named) Best(IReadOnlyList<(long Line, IReadOnlyList<string> Cells)> candidates, IReadOnlyList<ResourceColumn> columns, IReadOnlyDictionary<string, string> mappings)
    {
        var (best, named) = (0, -1);
        for (var i = 0; i < candidates.Count; i++)
        {
            var matches = HeaderMatcher.Match(candidates[i].Cells, columns, mappings, new MappingOptions(), _ => false, byPosition: false).Matches;
            var score = matches.Count(m => m.Kind is not MatchKind.Fuzzy);
            if (score > named)
            {
                (best, named) = (i, score);
            }
        }

        return (best, named);
    }

    /// <summary>
    /// For a file whose headers do not do (none matches, or a required field is missing): the file read again with its
    /// header found, on each sheet of a workbook, and the sheet and row naming most fields as a sentence saying what to
    /// set; null when no row names more than the <paramref name="named"/> fields the header read does, or the file
    /// cannot be read again (a forward-only stream).
    /// </summary>
    public static async Task<string?> HintAsync(IImportSource source, IReadOnlyList<string> headers, int named, IReadOnlyList<ResourceColumn> columns, IReadOnlyDictionary<string, string> mappings, CancellationToken cancellationToken)
    {
        if (source is not IHeaderSearch search || headers.Count > MaxHintCells)
        {
            return null;
        }

        (string? Sheet, long Line, int Named)? best = null;
        var fewest = named;
        try
        {
            foreach (var (sheet, reading) in await search.HeaderReadingsAsync(cancellationToken).ConfigureAwait(false))
            {
                await using var reader = await reading.OpenAsync(cancellationToken).ConfigureAwait(false);
                var candidates = reader is IHeaderRowChoice choice ? choice.HeaderCandidates.Where(c => c.Cells.Count <= MaxHintCells).ToList() : [];
                if (candidates.Count > 0 && Best(candidates, columns, mappings) is var (index, count) && count > (best?.Named ?? fewest))
                {
                    best = (sheet, candidates[index].Line, count);
                }
            }
        }
        catch (Exception e) when (e is ImportSourceException or BulkDataConfigurationException or InvalidOperationException or IOException)
        {
            // The hint is a courtesy: the import fails with its own message either way.
        }

        return best is not { } found ? null
            : found.Sheet is null
                ? $"The best match is line {found.Line}, naming {found.Named} of the {columns.Count} fields: set HeaderRow to {found.Line}, or to FindHeaderRow to find it."
                : $"The best match is row {found.Line} of the sheet '{found.Sheet}', naming {found.Named} of the {columns.Count} fields: choose that sheet and set HeaderRow to {found.Line}, or to FindHeaderRow to find it.";
    }
}
