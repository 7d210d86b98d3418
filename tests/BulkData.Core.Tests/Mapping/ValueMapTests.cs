using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Runtime.Serialization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Mapping;

/// <summary>Issue 26 item 3: value maps and enum labels, read and written.</summary>
public sealed class ValueMapTests
{
    public enum Availability
    {
        [Display(Name = "In stock")]
        InStock,

        [EnumMember(Value = "sold-out")]
        SoldOut,

        Discontinued,
    }

    public sealed class Offer
    {
        [Key]
        public string Code { get; set; } = "";

        public bool Active { get; set; }

        public bool? Gift { get; set; }

        public Availability Stock { get; set; }

        public int Level { get; set; }
    }

    private static TestHost Host() => new(b => b.AddResource<Offer>(r => r
        .Column(o => o.Active, c => c.Map("Y", true).Map("N", false))
        .Column(o => o.Gift, c => c.Map("Oui", true).Map("Non", false).Culture(CultureInfo.GetCultureInfo("fr-FR")))
        .Column(o => o.Level, c => c.Map("none", 0).Map("top", 10))));

    [Fact]
    public async Task Import_ReadsLabelsIgnoringCaseAccentsAndSpaces()
    {
        using var host = Host();
        var offers = new List<Offer>();

        var result = await host.Importer.For<Offer>()
            .From(CsvSource.FromText("Code,Active,Gift,Stock,Level\nA,y,OUI,in stock,TOP\nB, n ,nón,SOLD-OUT,none\nC,Y,,Discontinued,7\nD,N,non,instock,3\n"))
            .IntoAsync(offers);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(
            ["A True True InStock 10", "B False False SoldOut 0", "C True  Discontinued 7", "D False False InStock 3"],
            offers.Select(o => $"{o.Code} {o.Active} {o.Gift} {o.Stock} {o.Level}"));
    }

    [Fact]
    public async Task Import_OfAMappedValuesOwnSpelling_IsARowErrorListingTheLabels()
    {
        using var host = Host();

        var result = await host.Importer.For<Offer>()
            .From(CsvSource.FromText("Code,Active,Stock,Level\nA,true,In stock,1\nB,Y,Unknown,0\nC,Y,Discontinued,x\n"))
            .DryRunAsync();

        Assert.Equal(
            [
                (1L, "Active", "'true' is not one of: Y, N."),
                (2L, "Stock", "'Unknown' is not one of: In stock, sold-out, Discontinued."),
                (2L, "Level", "'0' is not one of: none, top, or a whole number."),
                (3L, "Level", "'x' is not one of: none, top, or a whole number."),
            ],
            result.Errors.Select(e => (e.RowNumber!.Value, e.Column!, e.Message)));
    }

    [Fact]
    public async Task Export_WritesEachValuesFirstLabel()
    {
        using var host = Host();
        using var csv = new MemoryStream();

        await host.Exporter.For<Offer>()
            .From([new Offer { Code = "A", Active = true, Gift = false, Stock = Availability.InStock, Level = 10 }, new Offer { Code = "B", Stock = Availability.SoldOut, Level = 4 }, new Offer { Code = "C", Stock = Availability.Discontinued }])
            .ToAsync(CsvSink.ToStream(csv));

        Assert.Equal(
            ["Code,Active,Gift,Stock,Level", "A,Y,Non,In stock,top", "B,N,,sold-out,4", "C,N,,Discontinued,none"],
            Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>Labels (any letters, distinct once case and accents are ignored) for distinct numbers.</summary>
    private static readonly Arbitrary<(string Label, int Value)[]> LabelSets =
        (from labels in Gen.NonEmptyListOf(Gen.Elements("oui", "non", "été", "Straße", "größe", "Ja", "nein", "sí", "señal", "Ω", "x1", "a b", "ÇA"))
         from values in Gen.ListOf(ArbMap.Default.GeneratorFor<int>(), labels.Count)
         select labels.DistinctBy(l => l, StringComparer.Create(CultureInfo.InvariantCulture, CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace))
             .Zip(values.Distinct(), (l, v) => (l, v)).ToArray()).ToArbitrary();

    [Property(MaxTest = 100, Replay = Properties.Replay)]
    public Property ExportThenImport_RoundTripsEveryMappedValue_AndLabelsReadInAnyCase() => Prop.ForAll(LabelSets, labels =>
    {
        using var host = new TestHost(b => b.AddResource<Offer>(r => r.Column(o => o.Level, c =>
        {
            foreach (var (label, value) in labels)
            {
                c.Map(label, value);
            }
        })));
        using var csv = new MemoryStream();
        host.Exporter.For<Offer>().From([.. labels.Select((l, i) => new Offer { Code = $"c{i}", Level = l.Value })]).ToAsync(CsvSink.ToStream(csv)).GetAwaiter().GetResult();
        var written = Encoding.UTF8.GetString(csv.ToArray());
        var shouted = string.Join('\n', written.Split('\n').Select((line, i) => i == 0 ? line : line.ToUpperInvariant()));

        foreach (var file in new[] { written, shouted })
        {
            var read = new List<Offer>();
            var result = host.Importer.For<Offer>().From(CsvSource.FromText(file)).IntoAsync(read).GetAwaiter().GetResult();
            Assert.True(result.Succeeded, string.Join("; ", result.Errors));
            Assert.Equal(labels.Select(l => l.Value), read.Select(o => o.Level));
        }
    });
}
