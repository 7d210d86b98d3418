using System.Text.Json;
using BenchmarkDotNet.Attributes;

namespace BulkData.Benchmarks;

/// <summary>JSON import: BulkData against System.Text.Json's streaming deserializer.</summary>
[MemoryDiagnoser]
public class JsonImportBenchmarks : FormatBenchmark
{
    private byte[] json = [];

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
    public Task<List<BenchmarkRow>> BulkDataImport() => ImportAsync(JsonSource.FromStream(new MemoryStream(json)));
}

/// <summary>JSON export: BulkData against System.Text.Json's SerializeAsync.</summary>
[MemoryDiagnoser]
public class JsonExportBenchmarks : FormatBenchmark
{
    private BenchmarkRow[] rows = [];

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
    public Task<long> BulkDataExport() => ExportAsync(rows, output => JsonSink.ToStream(output));
}
