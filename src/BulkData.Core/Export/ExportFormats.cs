using System.Collections.Concurrent;
using BulkData.Sinks;

namespace BulkData.Export;

/// <summary>
/// The formats a queued, scheduled or HTTP export can be asked for by name: csv, xlsx and json, and any a
/// package adds (<c>AddPdfExport()</c>) or the application registers (<c>AddExportFormat</c>).
/// </summary>
internal sealed class ExportFormats
{
    private readonly ConcurrentDictionary<string, (string ContentType, Func<Stream, IExportSink> Create)> formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["csv"] = ("text/csv; charset=utf-8", output => CsvSink.ToStream(output)),
        ["xlsx"] = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", output => XlsxSink.ToStream(output)),
        ["json"] = ("application/json", output => JsonSink.ToStream(output)),
    };

    public void Add(string name, string contentType, Func<Stream, IExportSink> create) =>
        formats[name] = (contentType, create);

    /// <summary>The format's name as registered, lower case; a configuration error naming the known ones otherwise.</summary>
    public string Check(string name) =>
        formats.ContainsKey(name)
            ? name.ToLowerInvariant()
            : throw new BulkDataConfigurationException("format", $"BulkData cannot export to '{name}'. Choose {string.Join(", ", formats.Keys.Order())}, or register the format first (AddPdfExport(), AddExportFormat).");

    public IExportSink Create(string name, Stream output) => formats[Check(name)].Create(output);

    public string ContentTypeOf(string name) => formats[Check(name)].ContentType;

    /// <summary>The media type of a sink's format, or <paramref name="fallback"/> for a format no export registered.</summary>
    public string ContentTypeOf(string name, string fallback) => formats.TryGetValue(name, out var format) ? format.ContentType : fallback;
}
