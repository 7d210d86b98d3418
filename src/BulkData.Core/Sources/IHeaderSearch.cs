namespace BulkData.Sources;

/// <summary>
/// A source whose file can be read again another way, to tell a user whose headers matched nothing where the header
/// may be: each of its sheets, with the header found among its first rows (<see cref="IHeaderRowChoice"/>).
/// </summary>
internal interface IHeaderSearch
{
    /// <summary>The file read with its header found: once per sheet of a workbook (named), once for a text file (no sheet).</summary>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>Each reading's sheet name (null for none) and source.</returns>
    Task<IReadOnlyList<(string? Sheet, IImportSource Source)>> HeaderReadingsAsync(CancellationToken cancellationToken);
}
