using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Mapping;

/// <summary>
/// Matches file headers to resource columns: explicit mappings first, then exact names and aliases,
/// then names equal once normalised, then fuzzy suggestions above a threshold.
/// </summary>
internal static class HeaderMatcher
{
    /// <summary>Matches headers to columns.</summary>
    /// <param name="headers">The file's headers, in file order.</param>
    /// <param name="columns">The resource's importable columns.</param>
    /// <param name="explicitMappings">Header to column (name or member) mappings that override matching.</param>
    /// <param name="options">The suggestion threshold and whether suggestions are accepted.</param>
    /// <returns>The mapping, with its errors and warnings.</returns>
    public static ColumnMapping Match(
        IReadOnlyList<string> headers,
        IReadOnlyList<ResourceColumn> columns,
        IReadOnlyDictionary<string, string>? explicitMappings = null,
        MappingOptions? options = null) =>
        Match(headers, columns, explicitMappings, options, static c => c.IsRequired, byPosition: false);

    /// <summary>
    /// Matches headers to columns; <paramref name="mustBePresent"/> says which missing columns are errors rather
    /// than warnings. A file without a header row (<paramref name="byPosition"/>) is matched by the columns'
    /// positions only, never by the names its columns were given.
    /// </summary>
    internal static ColumnMapping Match(
        IReadOnlyList<string> headers,
        IReadOnlyList<ResourceColumn> columns,
        IReadOnlyDictionary<string, string>? explicitMappings,
        MappingOptions? options,
        Func<ResourceColumn, bool> mustBePresent,
        bool byPosition)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(columns);
        options ??= new MappingOptions();
        var columnOfHeader = Enumerable.Repeat(-1, headers.Count).ToArray();
        var headerOfColumn = Enumerable.Repeat(-1, columns.Count).ToArray();
        var kinds = new MatchKind[headers.Count];
        var scores = new double[headers.Count];
        var errors = new List<RowError>();
        var warnings = new List<string>();

        void Assign(int header, int column, MatchKind kind, double score)
        {
            if (headerOfColumn[column] >= 0 && kind != MatchKind.Explicit && kinds[headerOfColumn[column]] == MatchKind.Explicit)
            {
                // The caller mapped another header to this column; this one is simply not used.
                return;
            }

            if (headerOfColumn[column] >= 0)
            {
                var first = headerOfColumn[column];
                errors.Add(new RowError(
                    RowErrorKind.Header,
                    $"Columns {first + 1} ('{headers[first]}') and {header + 1} ('{headers[header]}') both match '{columns[column].Name}'. Remove or rename one of them.",
                    Column: columns[column].Name,
                    RawValue: headers[header]));
                columnOfHeader[header] = -2;
                return;
            }

            headerOfColumn[column] = header;
            columnOfHeader[header] = column;
            kinds[header] = kind;
            scores[header] = score;
        }

        if (explicitMappings is not null)
        {
            foreach (var (header, target) in explicitMappings)
            {
                var headerIndex = IndexOf(headers, h => string.Equals(h, header, StringComparison.OrdinalIgnoreCase));
                var columnIndex = IndexOf(columns, c => string.Equals(c.Name, target, StringComparison.OrdinalIgnoreCase) || string.Equals(c.MemberName, target, StringComparison.OrdinalIgnoreCase));
                if (headerIndex < 0)
                {
                    warnings.Add($"The mapping of '{header}' to '{target}' was not used: the file has no column '{header}'.");
                }
                else if (columnIndex >= 0)
                {
                    Assign(headerIndex, columnIndex, MatchKind.Explicit, 1);
                }
            }
        }

        if (byPosition)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                if (columns[c].Position is { } position && position < headers.Count && columnOfHeader[position] == -1)
                {
                    Assign(position, c, MatchKind.Position, 1);
                }
            }

            return Result(headers, columns, columnOfHeader, headerOfColumn, kinds, scores, errors, warnings, [], mustBePresent);
        }

        MatchPass(headers, columns, columnOfHeader, (h, c) => columns[c].Name == h || columns[c].Aliases.Contains(h), MatchKind.Exact, Assign);
        var normalizedColumns = columns.Select(NormalizedNamesOf).ToArray();
        MatchPass(headers, columns, columnOfHeader, (h, c) => normalizedColumns[c].Contains(HeaderText.Normalize(h)), MatchKind.Normalized, Assign);

        var scored = Score(headers, columns, columnOfHeader, headerOfColumn);
        var suggestions = scored.Where(s => s.Score >= options.SuggestionThreshold).ToList();
        if (options.AcceptSuggestions)
        {
            foreach (var suggestion in suggestions.Where(s => IsUnambiguous(s, scored, columns)))
            {
                var header = IndexOf(headers, h => h == suggestion.Header);
                var column = IndexOf(columns, c => c.Name == suggestion.Column);
                if (columnOfHeader[header] == -1 && headerOfColumn[column] == -1)
                {
                    Assign(header, column, MatchKind.Fuzzy, suggestion.Score);
                    warnings.Add($"Column {header + 1} ('{suggestion.Header}') was taken as '{suggestion.Column}' (similarity {suggestion.Score:P0}).");
                }
            }
        }

        return Result(headers, columns, columnOfHeader, headerOfColumn, kinds, scores, errors, warnings, scored, mustBePresent, suggestions);
    }

    /// <summary>Reports missing columns and unmapped headers, and builds the mapping.</summary>
    private static ColumnMapping Result(
        IReadOnlyList<string> headers,
        IReadOnlyList<ResourceColumn> columns,
        int[] columnOfHeader,
        int[] headerOfColumn,
        MatchKind[] kinds,
        double[] scores,
        List<RowError> errors,
        List<string> warnings,
        List<ColumnSuggestion> scored,
        Func<ResourceColumn, bool> mustBePresent,
        List<ColumnSuggestion>? suggestions = null)
    {
        suggestions ??= [];
        var missing = new List<string>();
        for (var c = 0; c < columns.Count; c++)
        {
            if (headerOfColumn[c] >= 0)
            {
                continue;
            }

            missing.Add(columns[c].Name);
            var closest = scored.FirstOrDefault(s => s.Column == columns[c].Name && s.Score >= ClosestHeaderThreshold && columnOfHeader[IndexOf(headers, h => h == s.Header)] == -1);
            var hint = closest is null ? null : $" Did you mean '{closest.Header}'?";
            if (mustBePresent(columns[c]))
            {
                errors.Add(new RowError(
                    RowErrorKind.Header,
                    $"The file has no column '{columns[c].Name}', which is required." + (hint ?? " Add a column with this header."),
                    Column: columns[c].Name));
            }
            else
            {
                warnings.Add($"The file has no column '{columns[c].Name}', so it is not imported: new records get its default value and updated records keep theirs.{hint}");
            }
        }

        var unmapped = new List<string>();
        for (var h = 0; h < headers.Count; h++)
        {
            if (columnOfHeader[h] != -1)
            {
                continue;
            }

            unmapped.Add(headers[h]);
            var hint = suggestions.FirstOrDefault(s => s.Header == headers[h] && headerOfColumn[IndexOf(columns, c => c.Name == s.Column)] == -1);
            warnings.Add(string.IsNullOrWhiteSpace(headers[h])
                ? $"Column {h + 1} has no header and is not imported."
                : $"Column {h + 1} ('{headers[h]}') is not imported: no field matches it." + (hint is null ? string.Empty : $" Did you mean '{hint.Column}'?"));
        }

        var matches = new List<ColumnMatch>();
        for (var h = 0; h < headers.Count; h++)
        {
            if (columnOfHeader[h] >= 0)
            {
                matches.Add(new ColumnMatch(h, headers[h], columns[columnOfHeader[h]].Name, kinds[h], scores[h]));
            }
        }

        // A file that feeds no field (the wrong file or sheet, or a title row taken as the header) would import blank records.
        if (matches.Count == 0 && headers.Count > 0 && columns.Count > 0)
        {
            errors.Add(new RowError(
                RowErrorKind.Header,
                $"None of the file's headers ({string.Join(", ", headers.Take(10).Select(h => $"'{h}'"))}{(headers.Count > 10 ? ", ..." : string.Empty)}) matches a field ({string.Join(", ", columns.Select(c => c.Name))}). "
                + "Check that this is the right file or sheet, and that the header is on the first row (set HeaderRow when it is lower)."));
        }
        else if (missing.Count * 2 > columns.Count)
        {
            warnings.Insert(0, $"Only {matches.Count} of the {columns.Count} fields {(matches.Count == 1 ? "is" : "are")} in the file ({string.Join(", ", matches.Select(m => m.Column))}); {Listed(missing)} {(missing.Count == 1 ? "is" : "are")} not. Check that this is the right file or sheet.");
        }

        return new ColumnMapping(headers.ToArray(), matches, unmapped, missing, suggestions, errors, warnings, columnOfHeader.Select(c => Math.Max(c, -1)).ToArray());
    }

    /// <summary>Names as a person lists them: "A", "A and B", "A, B and C".</summary>
    private static string Listed(List<string> names) =>
        names.Count == 1 ? names[0] : $"{string.Join(", ", names.Take(names.Count - 1))} and {names[^1]}";

    private static void MatchPass(
        IReadOnlyList<string> headers,
        IReadOnlyList<ResourceColumn> columns,
        int[] columnOfHeader,
        Func<string, int, bool> matches,
        MatchKind kind,
        Action<int, int, MatchKind, double> assign)
    {
        for (var h = 0; h < headers.Count; h++)
        {
            if (columnOfHeader[h] != -1 || string.IsNullOrWhiteSpace(headers[h]))
            {
                continue;
            }

            for (var c = 0; c < columns.Count; c++)
            {
                if (matches(headers[h], c))
                {
                    assign(h, c, kind, 1);
                    break;
                }
            }
        }
    }

    /// <summary>The least similarity for naming a header as the likely spelling of a missing column.</summary>
    private const double ClosestHeaderThreshold = 0.5;

    /// <summary>How far ahead of every rival a fuzzy match must score to be taken without asking.</summary>
    private const double FuzzyMargin = 0.1;

    /// <summary>Scores every unmapped header against every unmatched column, best first.</summary>
    private static List<ColumnSuggestion> Score(
        IReadOnlyList<string> headers,
        IReadOnlyList<ResourceColumn> columns,
        int[] columnOfHeader,
        int[] headerOfColumn)
    {
        var scored = new List<ColumnSuggestion>();
        var names = columns.Select(c => NamesOf(c).Select(name => (Name: name, Terms: HeaderText.Terms(name))).ToArray()).ToArray();
        for (var h = 0; h < headers.Count; h++)
        {
            if (columnOfHeader[h] != -1 || string.IsNullOrWhiteSpace(headers[h]))
            {
                continue;
            }

            var header = headers[h];
            var terms = HeaderText.Terms(header);
            for (var c = 0; c < columns.Count; c++)
            {
                if (headerOfColumn[c] < 0)
                {
                    var score = names[c].Max(name => HeaderText.Similarity(header, terms, name.Name, name.Terms));
                    scored.Add(new ColumnSuggestion(headers[h], columns[c].Name, Math.Round(score, 3)));
                }
            }
        }

        return scored.OrderByDescending(s => s.Score).ToList();
    }

    /// <summary>
    /// A fuzzy match is taken only when it is unambiguous: no other column scores close for the header and no
    /// other header close for the column, and each word of the header matches a word of the column's name
    /// (so "Billing Address" never becomes "ShippingAddress", however alike the letters).
    /// </summary>
    private static bool IsUnambiguous(ColumnSuggestion suggestion, List<ColumnSuggestion> scored, IReadOnlyList<ResourceColumn> columns)
    {
        var rivals = scored.Any(s => s != suggestion
            && (s.Header == suggestion.Header || s.Column == suggestion.Column)
            && s.Score > suggestion.Score - FuzzyMargin);
        var column = columns[IndexOf(columns, c => c.Name == suggestion.Column)];
        return !rivals && NamesOf(column).Any(name => HeaderText.WordsAgree(suggestion.Header, name));
    }

    /// <summary>Every spelling a header may use for a column: its aliases, its name and its member's name.</summary>
    internal static IEnumerable<string> NamesOf(ResourceColumn column) => column.Aliases.Append(column.Name).Append(column.MemberName);

    /// <summary>A column's spellings as the normalized pass compares them (case, spaces and punctuation aside).</summary>
    internal static HashSet<string> NormalizedNamesOf(ResourceColumn column) => NamesOf(column).Select(HeaderText.Normalize).ToHashSet();

    private static int IndexOf<TItem>(IReadOnlyList<TItem> items, Func<TItem, bool> predicate)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (predicate(items[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
