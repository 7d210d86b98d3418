using System.Globalization;

namespace BulkData.Jobs;

/// <summary>
/// The names of the <see cref="Job.Parameters"/> that BulkData itself reads and writes, in one place: where a queued
/// import's stored file is, how to read it, and what a run recorded. An application's own parameters
/// (<c>WithParameter</c>) sit beside them under other names.
/// </summary>
public static class JobParameters
{
    /// <summary>The id, in the file store, of a queued job's stored upload.</summary>
    public const string File = "file";

    /// <summary>The id, in the file store, of every row error of a run that had more than the job keeps.</summary>
    public const string Errors = "errors";

    /// <summary>"true" on a queued import that only validates until it is committed.</summary>
    public const string ValidateOnly = "validateOnly";

    /// <summary>"true" on a queued import whose mapping a user chose: it is remembered for the file's headers.</summary>
    public const string MappingChosen = "mappingChosen";

    /// <summary>The spreadsheet row or CSV line of the header (0: find it); a run that found it records the row it took.</summary>
    public const string HeaderRow = "headerRow";

    /// <summary>"false" when the file has no header row (its columns are taken by position).</summary>
    public const string HasHeaderRow = "hasHeaderRow";

    /// <summary>The workbook sheet to read (the first when absent).</summary>
    public const string Sheet = "sheet";

    /// <summary>The CSV delimiter, one character (found from the file when absent).</summary>
    public const string Delimiter = "delimiter";

    /// <summary>The CSV text encoding's name (found from the file when absent).</summary>
    public const string Encoding = "encoding";

    /// <summary>The header's row or line the job names (0: find it), else the first.</summary>
    /// <param name="job">The job.</param>
    /// <returns>The 1-based row, or 0.</returns>
    public static int HeaderRowOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return int.TryParse(job.Parameters.GetValueOrDefault(HeaderRow), NumberStyles.None, CultureInfo.InvariantCulture, out var row) ? row : 1;
    }

    /// <summary>False when the job says its file has no header row.</summary>
    /// <param name="job">The job.</param>
    /// <returns>Whether the file's first row (or <see cref="HeaderRowOf"/>) is its header.</returns>
    public static bool HasHeaderRowOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.Parameters.GetValueOrDefault(HasHeaderRow) != "false";
    }
}
