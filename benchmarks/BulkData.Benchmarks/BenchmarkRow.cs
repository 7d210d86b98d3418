namespace BulkData.Benchmarks;

public enum Tier
{
    Bronze,
    Silver,
    Gold,
}

/// <summary>Ten mixed-type columns, the shape the benchmarks read and write (a CsvHelper record, mapped by its source generator).</summary>
[CsvHelper.CsvRecord]
public sealed partial class BenchmarkRow
{
    public int Id { get; set; }

    public long Count { get; set; }

    public decimal Price { get; set; }

    public double Ratio { get; set; }

    public bool Active { get; set; }

    public DateTime Created { get; set; }

    public DateOnly Due { get; set; }

    public Guid Key { get; set; }

    public Tier Tier { get; set; }

    public string Name { get; set; } = "";

    /// <summary>A seeded dataset: the same rows on every run.</summary>
    public static IEnumerable<BenchmarkRow> Generate(int count)
    {
        var random = new Random(20261122);
        string[] names = ["plain", "with, comma", "say \"hi\"", "ünïcødé ✓", "日本語", "multi\nline"];
        for (var i = 0; i < count; i++)
        {
            yield return new BenchmarkRow
            {
                Id = i,
                Count = random.NextInt64(),
                Price = Math.Round((decimal)random.NextDouble() * 10_000, 2),
                Ratio = random.NextDouble(),
                Active = random.Next(2) == 1,
                Created = new DateTime(2020, 1, 1).AddSeconds(random.Next(200_000_000)),
                Due = DateOnly.FromDayNumber(738_000 + random.Next(3_000)),
                Key = new Guid(random.NextInt64().ToString("x16") + random.NextInt64().ToString("x16")),
                Tier = (Tier)random.Next(3),
                Name = names[random.Next(names.Length)] + i,
            };
        }
    }
}
