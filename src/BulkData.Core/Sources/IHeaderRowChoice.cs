namespace BulkData.Sources;

/// <summary>
/// A reader that holds the first rows of its file for the import to choose the header from, because the source was
/// asked to find it (<see cref="XlsxSourceOptions.FindHeaderRow"/>, <see cref="CsvSourceOptions.FindHeaderRow"/>): the import matches each candidate against the
/// resource's columns and takes the best. Until it chooses, the first candidate is the header.
/// </summary>
internal interface IHeaderRowChoice
{
    /// <summary>The candidate rows, in file order: each one's line (spreadsheet row) and cells as a header would be read.</summary>
    IReadOnlyList<(long Line, IReadOnlyList<string> Cells)> HeaderCandidates { get; }

    /// <summary>Takes a candidate as the header: the rows above it are skipped, the candidates below it are the first data rows.</summary>
    /// <param name="candidate">The candidate's index in <see cref="HeaderCandidates"/>.</param>
    void UseHeaderRow(int candidate);
}
