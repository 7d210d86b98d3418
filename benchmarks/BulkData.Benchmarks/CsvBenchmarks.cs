using System.Globalization;
using BenchmarkDotNet.Attributes;
using BulkData.Import;
using BulkData.Sinks;
using BulkData.Sources;
using CsvHelper;
using CsvHelper.Configuration;

namespace BulkData.Benchmarks;

/// <summary>CSV import into POCOs: BulkData (mapping, conversion, validation, job) against CsvHelper.</summary>
[MemoryDiagnoser]
public class CsvImportBenchmarks : FormatBenchmark
{
    private byte[] csv = [];

    [GlobalSetup]
    public void Setup() => csv = Datasets.File("csv", Rows);

    [Benchmark(Baseline = true, Description = "CsvHelper GetRecords<T>")]
    public List<BenchmarkRow> CsvHelperGetRecords()
    {
        using var reader = new StreamReader(new MemoryStream(csv));
        using var records = new CsvReader(reader, CultureInfo.InvariantCulture);
        return records.GetRecords<BenchmarkRow>().ToList();
    }

    /// <summary>A hand-written loop over CsvHelper's parser: what a developer writes without a library.</summary>
    [Benchmark(Description = "CsvHelper CsvParser loop")]
    public List<BenchmarkRow> CsvParserLoop()
    {
        using var reader = new StreamReader(new MemoryStream(csv));
        using var parser = new CsvParser(reader, CultureInfo.InvariantCulture);
        var rows = new List<BenchmarkRow>();
        parser.Read();
        var culture = CultureInfo.InvariantCulture;
        while (parser.Read())
        {
            rows.Add(new BenchmarkRow
            {
                Id = int.Parse(parser[0], culture),
                Count = long.Parse(parser[1], culture),
                Price = decimal.Parse(parser[2], culture),
                Ratio = double.Parse(parser[3], culture),
                Active = bool.Parse(parser[4]),
                Created = DateTime.Parse(parser[5], culture, DateTimeStyles.RoundtripKind),
                Due = DateOnly.Parse(parser[6], culture),
                Key = Guid.Parse(parser[7]),
                Tier = Enum.Parse<Tier>(parser[8]),
                Name = parser[9],
            });
        }

        return rows;
    }

    [Benchmark(Description = "BulkData import")]
    public Task<List<BenchmarkRow>> BulkDataImport() => ImportAsync(CsvSource.FromStream(new MemoryStream(csv)));
}

/// <summary>CSV export of POCOs: BulkData against CsvHelper's WriteRecords.</summary>
[MemoryDiagnoser]
public class CsvExportBenchmarks : FormatBenchmark
{
    private BenchmarkRow[] rows = [];

    [GlobalSetup]
    public void Setup() => rows = Datasets.Rows(Rows);

    [Benchmark(Baseline = true, Description = "CsvHelper WriteRecords")]
    public long CsvHelperWriteRecords()
    {
        var output = new CountingStream();
        using (var writer = new CsvWriter(new StreamWriter(output), new CsvConfiguration(CultureInfo.InvariantCulture)))
        {
            writer.WriteRecords(rows);
        }

        return output.Length;
    }

    [Benchmark(Description = "BulkData export")]
    public Task<long> BulkDataExport() => ExportAsync(rows, output => CsvSink.ToStream(output));
}
