using System.Globalization;
using System.Text.Json;
using BulkData.Sinks;
using CsvHelper;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Benchmarks;

/// <summary>
/// The seeded datasets every benchmark reads, made once per size in memory (no disk in the timing), and a
/// BulkData host with the benchmark resource registered.
/// </summary>
internal static class Datasets
{
    private static readonly Dictionary<(string, int), byte[]> Files = [];

    public static IServiceProvider Services { get; } = new ServiceCollection()
        .AddBulkData(b => b.AddResource<BenchmarkRow>(r => r.Rule(row => row.Price >= 0, "Price must not be negative.")))
        .Services
        .BuildServiceProvider();

    public static IBulkImporter Importer => Services.GetRequiredService<IBulkImporter>();

    public static IBulkExporter Exporter => Services.GetRequiredService<IBulkExporter>();

    public static BenchmarkRow[] Rows(int count) => BenchmarkRow.Generate(count).ToArray();

    /// <summary>The rows as CSV written by CsvHelper (ISO dates), XLSX and JSON written by BulkData's sinks.</summary>
    public static byte[] File(string format, int count)
    {
        lock (Files)
        {
            if (!Files.TryGetValue((format, count), out var bytes))
            {
                bytes = format switch
                {
                    "csv" => Csv(count),
                    "xlsx" => Export(count, stream => XlsxSink.ToStream(stream)),
                    "json" => JsonSerializer.SerializeToUtf8Bytes(BenchmarkRow.Generate(count)),
                    _ => throw new ArgumentOutOfRangeException(nameof(format)),
                };
                Files[(format, count)] = bytes;
            }

            return bytes;
        }
    }

    private static byte[] Csv(int count)
    {
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            writer.WriteRecords(BenchmarkRow.Generate(count));
        }

        return stream.ToArray();
    }

    private static byte[] Export(int count, Func<Stream, IExportSink> sink)
    {
        using var stream = new MemoryStream();
        Exporter.For<BenchmarkRow>().From(BenchmarkRow.Generate(count)).ToAsync(sink(stream)).GetAwaiter().GetResult();
        return stream.ToArray();
    }
}
