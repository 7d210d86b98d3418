using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BulkData.Import;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Benchmarks;

/// <summary>JSON import: BulkData against System.Text.Json's streaming deserializer.</summary>
[MemoryDiagnoser]
public class JsonImportBenchmarks
{
    private byte[] json = [];

    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    public static IEnumerable<int> Sizes => QuickMode.Sizes;

    [GlobalSetup]
    public void Setup() => json = Datasets.File("json", Rows);

    [Benchmark(Baseline = true, Description = "STJ DeserializeAsyncEnumerable<T>")]
    public async Task<List<BenchmarkRow>> SystemTextJson()
    {
        var rows = new List<BenchmarkRow>(Rows);
        await foreach (var row in JsonSerializer.DeserializeAsyncEnumerable<BenchmarkRow>(new MemoryStream(json)))
        {
            rows.Add(row!);
        }

        return rows;
    }

    [Benchmark(Description = "BulkData import")]
    public async Task<List<BenchmarkRow>> BulkDataImport()
    {
        var rows = new List<BenchmarkRow>(Rows);
        await Datasets.Importer.For<BenchmarkRow>()
            .From(JsonSource.FromStream(new MemoryStream(json)))
            .WithOptions(o => o.RecordRowOutcomes = false)
            .IntoAsync(rows);
        return rows;
    }
}

/// <summary>JSON export: BulkData against System.Text.Json's SerializeAsync.</summary>
[MemoryDiagnoser]
public class JsonExportBenchmarks
{
    private BenchmarkRow[] rows = [];

    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    public static IEnumerable<int> Sizes => QuickMode.Sizes;

    [GlobalSetup]
    public void Setup() => rows = Datasets.Rows(Rows);

    [Benchmark(Baseline = true, Description = "STJ SerializeAsync")]
    public async Task<long> SystemTextJson()
    {
        var output = new CountingStream();
        await JsonSerializer.SerializeAsync(output, rows);
        return output.Length;
    }

    [Benchmark(Description = "BulkData export")]
    public async Task<long> BulkDataExport()
    {
        var output = new CountingStream();
        await using var sink = JsonSink.ToStream(output);
        await Datasets.Exporter.For<BenchmarkRow>().From(rows).ToAsync(sink);
        return output.Length;
    }
}
