using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BulkData.Import;
using BulkData.Sources;
using CsvHelper;
using CsvHelper.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Benchmarks;

/// <summary>CSV import into POCOs: BulkData (mapping, conversion, validation, job tracking) against CsvHelper's GetRecords.</summary>
[MemoryDiagnoser]
public class CsvImportBenchmarks
{
    private byte[] csv = [];
    private IBulkImporter importer = null!;

    [ParamsSource(nameof(Sizes))]
    public int Rows { get; set; }

    /// <summary>Quick mode measures the smallest size only.</summary>
    public static IEnumerable<int> Sizes => QuickMode.IsOn ? [10_000] : [10_000, 100_000];

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            writer.Context.TypeConverterOptionsCache.GetOptions<DateTime>().Formats = ["O"];
            writer.Context.TypeConverterOptionsCache.GetOptions<DateOnly>().Formats = ["yyyy-MM-dd"];
            writer.WriteRecords(BenchmarkRow.Generate(Rows));
        }

        csv = Encoding.UTF8.GetBytes(text.ToString());
        importer = new ServiceCollection().AddBulkData(b => b.AddResource<BenchmarkRow>()).Services.BuildServiceProvider().GetRequiredService<IBulkImporter>();
    }

    [Benchmark(Baseline = true, Description = "CsvHelper GetRecords<T>")]
    public int CsvHelperGetRecords()
    {
        using var reader = new StreamReader(new MemoryStream(csv));
        using var records = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        return records.GetRecords<BenchmarkRow>().Count();
    }

    [Benchmark(Description = "BulkData import")]
    public async Task<long> BulkDataImport()
    {
        var result = await importer.For<BenchmarkRow>()
            .From(CsvSource.FromStream(new MemoryStream(csv)))
            .WithOptions(o => o.RecordRowOutcomes = false)
            .IntoAsync(new List<BenchmarkRow>(Rows));
        return result.Counts.Created;
    }
}
