using System.Globalization;
using BenchmarkDotNet.Attributes;
using BulkData.Import;
using BulkData.Sinks;
using BulkData.Sources;
using CsvHelper;

namespace BulkData.Benchmarks;

/// <summary>CSV import into POCOs: BulkData (mapping, conversion, validation, job) against CsvHelper 34.</summary>
[MemoryDiagnoser]
public class CsvImportBenchmarks : FormatBenchmark
{
    private byte[] csv = [];

    [GlobalSetup]
    public void Setup() => csv = Datasets.File("csv", Rows);

    [Benchmark(Baseline = true, Description = "CsvHelper 34 GetRecords<T>")]
    public List<BenchmarkRow> CsvHelperGetRecords()
    {
        using var records = CsvReader.Create(new MemoryStream(csv), new CsvReaderOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: false);
        return records.GetRecords<BenchmarkRow>().ToList();
    }

    /// <summary>A hand-written loop over CsvHelper's reader: what a developer writes without a mapping library.</summary>
    [Benchmark(Description = "CsvHelper 34 reader, hand-mapped")]
    public List<BenchmarkRow> CsvReaderLoop()
    {
        using var reader = CsvReader.Create(new MemoryStream(csv), new CsvReaderOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: false);
        var rows = new List<BenchmarkRow>();
        while (reader.Read())
        {
            rows.Add(new BenchmarkRow
            {
                Id = reader.Parse<int>(0),
                Count = reader.Parse<long>(1),
                Price = reader.Parse<decimal>(2),
                Ratio = reader.Parse<double>(3),
                Active = reader.Parse<bool>(4),
                Created = reader.Parse<DateTime>(5),
                Due = reader.Parse<DateOnly>(6),
                Key = reader.Parse<Guid>(7),
                Tier = reader.Parse<Tier>(8),
                Name = reader.GetString(9),
            });
        }

        return rows;
    }

    [Benchmark(Description = "BulkData import")]
    public Task<List<BenchmarkRow>> BulkDataImport() => ImportAsync(CsvSource.FromStream(new MemoryStream(csv)));

    /// <summary>
    /// The same from a <see cref="System.IO.Pipelines.PipeReader"/> (what <c>HttpRequest.BodyReader</c> is), read
    /// through <c>AsStream()</c>: CsvHelper reads streams, so a pipe can only be adapted, not read natively.
    /// </summary>
    [Benchmark(Description = "BulkData import from a PipeReader")]
    public async Task<List<BenchmarkRow>> BulkDataImportFromPipe()
    {
        var pipe = System.IO.Pipelines.PipeReader.Create(new MemoryStream(csv));
        await using var body = pipe.AsStream();
        return await ImportAsync(CsvSource.FromStream(body));
    }
}

/// <summary>CSV export of POCOs: BulkData against CsvHelper's WriteRecords.</summary>
[MemoryDiagnoser]
public class CsvExportBenchmarks : FormatBenchmark
{
    private BenchmarkRow[] rows = [];

    [GlobalSetup]
    public void Setup() => rows = Datasets.Rows(Rows);

    [Benchmark(Baseline = true, Description = "CsvHelper 34 WriteRecords")]
    public long CsvHelperWriteRecords()
    {
        var output = new CountingStream();
        using (var writer = CsvWriter.Create(output, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            writer.WriteRecords(rows);
        }

        return output.Length;
    }

    [Benchmark(Description = "BulkData export")]
    public Task<long> BulkDataExport() => ExportAsync(rows, output => CsvSink.ToStream(output));
}
