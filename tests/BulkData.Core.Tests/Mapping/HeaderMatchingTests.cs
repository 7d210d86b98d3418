using BulkData.Import;
using BulkData.Mapping;
using BulkData.Sources;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Mapping;

public sealed class HeaderMatchingTests
{
    private static readonly string[] TrueHeaders = ["Sku", "Product Name", "UnitPrice", "Quantity", "Color", "Released", "internal_code", "InternalNotes"];

    /// <summary>Re-spells a header: random case, and random spaces, underscores, hyphens and dots between and around its parts.</summary>
    private static Gen<string> Respell(string header) =>
        from flips in Gen.ListOf(ArbMap.Default.GeneratorFor<bool>(), header.Length)
        from separators in Gen.ListOf(Gen.Elements("", "", " ", "_", "-", ".", "  ", "\t"), header.Length + 1)
        select string.Concat(header.Select((c, i) => separators[i] + (flips[i] ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c))))
            .Replace(" ", separators[^1] == "" ? " " : separators[^1], StringComparison.Ordinal) + separators[^1];

    [Property(MaxTest = 300, Replay = Properties.Replay)]
    public Property Match_HeadersRespelledInCaseWhitespaceAndSeparators_MapTheSameColumns()
    {
        using var host = new TestHost();
        var columns = host.Importer.For<Product>().Resource.Columns.Where(c => c.IsImported).ToArray();
        var truth = HeaderMatcher.Match(TrueHeaders, columns);
        Assert.True(truth.IsValid);
        Assert.Equal(TrueHeaders.Length, truth.Matches.Count);

        var respelled = TrueHeaders.Select(Respell).Aggregate(
            Gen.Constant(Enumerable.Empty<string>()),
            (all, next) => from list in all from header in next select list.Append(header));
        return Prop.ForAll(respelled.Select(h => h.ToArray()).ToArbitrary(), headers =>
        {
            var mapping = HeaderMatcher.Match(headers, columns);
            Assert.True(mapping.IsValid, string.Join("; ", mapping.Errors));
            Assert.Equal(truth.Matches.Select(m => (m.HeaderIndex, m.Column)), mapping.Matches.Select(m => (m.HeaderIndex, m.Column)));
        });
    }

    [Fact]
    public void Match_TypoInOptionalHeader_WarnsWithSuggestionAndLeavesItUnmapped()
    {
        using var host = new TestHost();
        var columns = host.Importer.For<Product>().Resource.Columns.Where(c => c.IsImported).ToArray();

        var mapping = HeaderMatcher.Match(["Sku", "Product Name", "Quantty"], columns);

        Assert.True(mapping.IsValid);
        Assert.Equal(["Quantty"], mapping.UnmappedHeaders);
        var suggestion = Assert.Single(mapping.Suggestions);
        Assert.Equal(("Quantty", "Quantity"), (suggestion.Header, suggestion.Column));
        Assert.True(suggestion.Score is >= 0.7 and < 1);
        Assert.Contains("Column 3 ('Quantty') is not imported: no field matches it. Did you mean 'Quantity'?", mapping.Warnings);
    }

    [Fact]
    public void Match_AcceptSuggestions_MapsTheFuzzyMatchWithAWarning()
    {
        using var host = new TestHost();
        var columns = host.Importer.For<Product>().Resource.Columns.Where(c => c.IsImported).ToArray();

        var mapping = HeaderMatcher.Match(["Sku", "Prodct Nme"], columns, options: new MappingOptions { AcceptSuggestions = true });

        Assert.True(mapping.IsValid);
        var fuzzy = Assert.Single(mapping.Matches, m => m.Kind == MatchKind.Fuzzy);
        Assert.Equal(("Prodct Nme", "Product Name"), (fuzzy.Header, fuzzy.Column));
        Assert.Contains(mapping.Warnings, w => w.StartsWith("Column 2 ('Prodct Nme') was taken as 'Product Name'", StringComparison.Ordinal));
    }

    [Fact]
    public void Match_SuggestionThresholdRaised_DropsWeakSuggestions()
    {
        using var host = new TestHost();
        var columns = host.Importer.For<Product>().Resource.Columns.Where(c => c.IsImported).ToArray();

        var mapping = HeaderMatcher.Match(["Sku", "Product Name", "Quantty"], columns, options: new MappingOptions { SuggestionThreshold = 0.95 });

        Assert.Empty(mapping.Suggestions);
    }

    [Fact]
    public async Task MapColumn_ExplicitMapping_OverridesAutomaticMatching()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText("Article,Title,Product Name\nA-1,Widget,ignored\n"))
            .MapColumn("Article", "Sku")
            .MapColumn("Title", "Product Name")
            .IntoAsync(target);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(("A-1", "Widget"), (target[0].Sku, target[0].Name));
        Assert.Equal(MatchKind.Explicit, result.Mapping!.Matches.Single(m => m.Header == "Title").Kind);
        Assert.Equal(["Product Name"], result.Mapping.UnmappedHeaders);
        Assert.Equal("Product Name", result.Job.Parameters["map:Title"]);
    }

    [Fact]
    public void MapColumn_UnknownColumn_ThrowsNamingIt()
    {
        using var host = new TestHost();

        var error = Assert.Throws<BulkDataConfigurationException>(() => host.Importer.For<Product>().MapColumn("Article", "Skew"));

        Assert.Equal("Product.Skew", error.Member);
        Assert.Contains("has no importable column 'Skew'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Unit Price", "unit_price", 1.0)]
    [InlineData("Quantity", "Quantty", 0.875)]
    [InlineData("Sku", "Colour", 0.167)]
    public void Similarity_ScoresNormalisedEditDistance(string left, string right, double expected) =>
        Assert.Equal(expected, HeaderText.Similarity(left, right), 3);
}
