using System.Collections.Concurrent;
using BulkData.Jobs;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Formats;

/// <summary>
/// The file formats this application reads and writes by name, the one place each is known: csv, xlsx and json
/// both ways, and any a package adds (<c>AddPdfExport()</c>, <c>AddXlsImport()</c>) or the application registers
/// (<c>AddImportFormat</c>, <c>AddExportFormat</c>). A queued job keeps its format's name, so any process reads
/// its stored file, or writes its export, the same way. Reached through <c>ResourceRegistry.Formats</c>.
/// </summary>
public sealed class FileFormats
{
    /// <summary>The format of a queued data package import (a ZIP with <c>datapackage.json</c>).</summary>
    public const string DataPackage = "datapackage";

    private readonly ConcurrentDictionary<string, Func<Stream, Job, IImportSource>> readers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> byExtension = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, (string ContentType, Func<Stream, IExportSink> Create)> writers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csv"] = ("text/csv; charset=utf-8", output => CsvSink.ToStream(output)),
        ["xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", output => XlsxSink.ToStream(output)),
        ["json"] = ("application/json", output => JsonSink.ToStream(output)),
    };

    internal FileFormats()
    {
        AddReader("csv", [".csv", ".tsv", ".txt"], (file, job) => CsvSource.FromStream(file, job.FileName, new CsvSourceOptions
        {
            Delimiter = job.Parameters.GetValueOrDefault(JobParameters.Delimiter) is [var delimiter] ? delimiter : null,
            Encoding = job.Parameters.GetValueOrDefault(JobParameters.Encoding) is { } encoding ? CsvSourceOptions.EncodingNamed(encoding) : null,
            HasHeaderRow = JobParameters.HasHeaderRowOf(job),
            HeaderRow = JobParameters.HeaderRowOf(job),
        }));
        AddReader("xlsx", [".xlsx", ".xlsm"], (file, job) => XlsxSource.FromStream(file, job.FileName, new XlsxSourceOptions
        {
            SheetName = job.Parameters.GetValueOrDefault(JobParameters.Sheet),
            HasHeaderRow = JobParameters.HasHeaderRowOf(job),
            HeaderRow = JobParameters.HeaderRowOf(job),
        }));
        AddReader("json", [".json", ".ndjson", ".jsonl"], (file, job) => JsonSource.FromStream(file, job.FileName));
    }

    /// <summary>Names the format a file's first bytes show: xlsx (a ZIP), xls (an OLE compound file), json or csv.</summary>
    /// <param name="head">The file's first bytes (a few hundred are enough).</param>
    /// <returns>The format's name.</returns>
    /// <remarks>An encrypted (password-protected) .xlsx is an OLE compound file too, so it is named xls.</remarks>
    public static string Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return "xlsx";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return "xls";
        }

        var text = head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? head[3..] : head;
        var first = text.TrimStart(" \t\r\n"u8);
        return first.Length > 0 && first[0] is (byte)'{' or (byte)'[' ? "json" : "csv";
    }

    /// <summary>True when this process reads the format.</summary>
    /// <param name="name">The format's name; case is ignored.</param>
    /// <returns>True when a reader is registered.</returns>
    public bool Reads(string? name) => readers.ContainsKey(name ?? string.Empty);

    /// <summary>The format of an upload, from its file name's extension.</summary>
    /// <param name="fileName">The upload's file name.</param>
    /// <returns>The format's name, lower case.</returns>
    /// <exception cref="BulkDataConfigurationException">No readable format has the extension; the message names the known ones.</exception>
    public string NameOf(string fileName) =>
        byExtension.TryGetValue(Path.GetExtension(fileName), out var format)
            ? format
            : throw new BulkDataConfigurationException(fileName, $"BulkData cannot tell the format of '{fileName}' from its extension '{Path.GetExtension(fileName)}'. Upload a file ending in {string.Join(", ", byExtension.Keys.Order())}.");

    /// <summary>Reads a queued job's stored file in the job's format, with the reading options its parameters name.</summary>
    /// <param name="job">The job; its <see cref="Job.Format"/> and parameters say how to read.</param>
    /// <param name="file">The stored file; the caller owns it.</param>
    /// <returns>The source.</returns>
    /// <exception cref="BulkDataConfigurationException">This process has no reader for the format (see <see cref="Reads"/>).</exception>
    public IImportSource Open(Job job, Stream file)
    {
        ArgumentNullException.ThrowIfNull(job);
        return readers.TryGetValue(job.Format ?? string.Empty, out var open) ? open(file, job) : throw new BulkDataConfigurationException("format", Unreadable(job.Format));
    }

    /// <summary>The format's name as registered for export, lower case.</summary>
    /// <param name="name">The format's name; case is ignored.</param>
    /// <returns>The name, lower case.</returns>
    /// <exception cref="BulkDataConfigurationException">No export writes the format; the message names those that do.</exception>
    public string CheckWritable(string name) =>
        writers.ContainsKey(name)
            ? name.ToLowerInvariant()
            : throw new BulkDataConfigurationException("format", $"BulkData cannot export to '{name}'. Choose {string.Join(", ", writers.Keys.Order())}, or register the format first (AddPdfExport(), AddExportFormat).");

    /// <summary>Creates a sink writing the format to <paramref name="output"/>.</summary>
    /// <param name="name">The format's name; case is ignored.</param>
    /// <param name="output">Where to write; the caller owns it.</param>
    /// <returns>The sink.</returns>
    /// <exception cref="BulkDataConfigurationException">No export writes the format.</exception>
    public IExportSink Create(string name, Stream output) => writers[CheckWritable(name)].Create(output);

    /// <summary>The media type of a written format's files, for HTTP responses.</summary>
    /// <param name="name">The format's name; case is ignored.</param>
    /// <param name="fallback">What to answer for a format no export writes; null to refuse it.</param>
    /// <returns>The media type.</returns>
    /// <exception cref="BulkDataConfigurationException">No export writes the format and no fallback was given.</exception>
    public string ContentTypeOf(string name, string? fallback = null) =>
        writers.TryGetValue(name, out var format) ? format.ContentType : fallback ?? writers[CheckWritable(name)].ContentType;

    internal void AddReader(string name, IEnumerable<string> extensions, Func<Stream, Job, IImportSource> open)
    {
        readers[name] = open;
        foreach (var extension in extensions)
        {
            byExtension[extension.StartsWith('.') ? extension : "." + extension] = name.ToLowerInvariant();
        }
    }

    internal void AddWriter(string name, string contentType, Func<Stream, IExportSink> create) =>
        writers[name] = (contentType, create);

    /// <summary>Why a job in a format this process has no reader for cannot run.</summary>
    internal static string Unreadable(string? format) =>
        $"This process cannot read '{format}' files. Register the format with AddImportFormat in every process that runs jobs.";
}
