using System.Globalization;
using BenchmarkDotNet.Attributes;
using CsvHelper;
using nietras.SeparatedValues;

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

    /// <summary>Sep (the fastest .NET CSV parser), hand-mapped: quoted fields unescaped, values parsed from spans.</summary>
    [Benchmark(Description = "Sep 0.17, hand-mapped")]
    public List<BenchmarkRow> SepHandMapped()
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).From(new MemoryStream(csv));
        var rows = new List<BenchmarkRow>();
        foreach (var row in reader)
        {
            rows.Add(new BenchmarkRow
            {
                Id = row[0].Parse<int>(),
                Count = row[1].Parse<long>(),
                Price = row[2].Parse<decimal>(),
                Ratio = row[3].Parse<double>(),
                Active = bool.Parse(row[4].Span),
                Created = row[5].Parse<DateTime>(),
                Due = row[6].Parse<DateOnly>(),
                Key = row[7].Parse<Guid>(),
                Tier = Enum.Parse<Tier>(row[8].Span),
                Name = row[9].ToString(),
            });
        }

        return rows;
    }

    /// <summary>Sylvan's data reader, hand-mapped.</summary>
    [Benchmark(Description = "Sylvan.Data.Csv 1.4, hand-mapped")]
    public List<BenchmarkRow> SylvanHandMapped()
    {
        using var reader = Sylvan.Data.Csv.CsvDataReader.Create(new StreamReader(new MemoryStream(csv)));
        var rows = new List<BenchmarkRow>();
        while (reader.Read())
        {
            rows.Add(new BenchmarkRow
            {
                Id = reader.GetInt32(0),
                Count = reader.GetInt64(1),
                Price = reader.GetDecimal(2),
                Ratio = reader.GetDouble(3),
                Active = reader.GetBoolean(4),
                Created = reader.GetDateTime(5),
                Due = DateOnly.Parse(reader.GetFieldSpan(6), CultureInfo.InvariantCulture),
                Key = reader.GetGuid(7),
                Tier = Enum.Parse<Tier>(reader.GetFieldSpan(8)),
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

    /// <summary>Sep's writer, each value formatted into its buffer (quoting where needed).</summary>
    [Benchmark(Description = "Sep 0.17 writer")]
    public long SepWriter()
    {
        var output = new CountingStream();
        using (var writer = Sep.Writer(o => o with { Escape = true }).To(output, leaveOpen: true))
        {
            foreach (var item in rows)
            {
                using var row = writer.NewRow();
                row["Id"].Format(item.Id);
                row["Count"].Format(item.Count);
                row["Price"].Format(item.Price);
                row["Ratio"].Format(item.Ratio);
                row["Active"].Set(item.Active ? "True" : "False");
                row["Created"].Format(item.Created);
                row["Due"].Format(item.Due);
                row["Key"].Format(item.Key);
                row["Tier"].Set(item.Tier.ToString());
                row["Name"].Set(item.Name);
            }
        }

        return output.Length;
    }

    [Benchmark(Description = "BulkData export")]
    public Task<long> BulkDataExport() => ExportAsync(rows, output => CsvSink.ToStream(output));
}
