using System.Collections.Concurrent;
using BulkData.Jobs;

namespace BulkData.Sources;

/// <summary>
/// The formats a queued import can read, by name and by file extension: csv, xlsx and json, and any the
/// application registers (<c>AddImportFormat</c>). A queued job keeps its format's name, so any process
/// reads its stored file the same way.
/// </summary>
internal sealed class ImportFormats
{
    private readonly ConcurrentDictionary<string, Func<Stream, Job, IImportSource>> formats = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> byExtension = new(StringComparer.OrdinalIgnoreCase);

    public ImportFormats()
    {
        Add("csv", [".csv", ".tsv", ".txt"], (file, job) => CsvSource.FromStream(file, job.FileName, new CsvSourceOptions
        {
            Delimiter = job.Parameters.GetValueOrDefault("delimiter") is [var delimiter] ? delimiter : null,
            Encoding = job.Parameters.GetValueOrDefault("encoding") is { } encoding ? CsvSourceOptions.EncodingNamed(encoding) : null,
            HasHeaderRow = HasHeaderRow(job),
            HeaderRow = HeaderRow(job),
        }));
        Add("xlsx", [".xlsx", ".xlsm"], (file, job) => XlsxSource.FromStream(file, job.FileName, new XlsxSourceOptions
        {
            SheetName = job.Parameters.GetValueOrDefault("sheet"),
            HasHeaderRow = HasHeaderRow(job),
            HeaderRow = HeaderRow(job),
        }));
        Add("json", [".json", ".ndjson", ".jsonl"], (file, job) => JsonSource.FromStream(file, job.FileName));
    }

    public void Add(string name, IEnumerable<string> extensions, Func<Stream, Job, IImportSource> open)
    {
        formats[name] = open;
        foreach (var extension in extensions)
        {
            byExtension[extension.StartsWith('.') ? extension : "." + extension] = name.ToLowerInvariant();
        }
    }

    /// <summary>The format of an upload, from its file name's extension; a configuration error naming the known extensions otherwise.</summary>
    public string FormatOf(string fileName) =>
        byExtension.TryGetValue(Path.GetExtension(fileName), out var format)
            ? format
            : throw new BulkDataConfigurationException(fileName, $"BulkData cannot tell the format of '{fileName}' from its extension '{Path.GetExtension(fileName)}'. Upload a file ending in {string.Join(", ", byExtension.Keys.Order())}.");

    /// <summary>True when this process has a reader for the format.</summary>
    public bool Reads(string? format) => formats.ContainsKey(format ?? string.Empty);

    /// <summary>Reads a queued job's stored file in the job's format, with the reading options its parameters name.</summary>
    /// <exception cref="BulkDataConfigurationException">This process has no reader for the format (see <see cref="Reads"/>).</exception>
    public IImportSource Open(Job job, Stream file) =>
        formats.TryGetValue(job.Format ?? string.Empty, out var open) ? open(file, job) : throw new BulkDataConfigurationException("format", Unreadable(job.Format));

    /// <summary>Why a job in a format this process has no reader for cannot run.</summary>
    public static string Unreadable(string? format) =>
        $"This process cannot read '{format}' files. Register the format with AddImportFormat in every process that runs jobs.";

    /// <summary>The header's row or line the job names (0: find it), else the first.</summary>
    private static int HeaderRow(Job job) =>
        int.TryParse(job.Parameters.GetValueOrDefault(Import.QueuedImport.HeaderRowParameter), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var row) ? row : 1;

    private static bool HasHeaderRow(Job job) => job.Parameters.GetValueOrDefault("hasHeaderRow") != "false";
}
