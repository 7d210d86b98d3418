using BulkData.Mapping;
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

    /// <summary>A resource whose every column is optional: nothing but the mapping can tell a wrong file.</summary>
    public sealed class Note
    {
        public string? Title { get; set; }

        public int? Pages { get; set; }

        public string? Author { get; set; }

        public string? Isbn { get; set; }
    }

    /// <summary>Issue 25: a title row read as the header (or the wrong sheet) matches no field; the import stops before any row (as for a missing required column) instead of creating blank records.</summary>
    [Fact]
    public async Task AFileMatchingNoField_FailsBeforeAnyRow_NamingTheHeadersAndTheFields()
    {
        using var host = new TestHost(b => b.AddResource<Note>());
        var written = new List<Note>();

        var result = await host.Importer.For<Note>().From(CsvSource.FromText("Monthly report,,\nTitle,Pages,Author\nDune,412,Herbert\n")).IntoAsync(written);

        Assert.Equal(BulkData.Jobs.JobStatus.ValidationFailed, result.Status);
        Assert.Empty(written);
        var error = Assert.Single(result.Errors);
        Assert.Equal(BulkData.Validation.RowErrorKind.Header, error.Kind);
        Assert.Contains("'Monthly report'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Title, Pages, Author, Isbn", error.Message, StringComparison.Ordinal);
        Assert.Contains("HeaderRow", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Issue 25: a file that leaves more than half of the fields unmatched says so first, in the result and the preview.</summary>
    [Fact]
    public async Task AFileLeavingMostFieldsUnmatched_SaysSoAsItsFirstWarning()
    {
        using var host = new TestHost(b => b.AddResource<Note>());
        var import = host.Importer.For<Note>().From(CsvSource.FromText("Title,Publisher,Year\nDune,Chilton,1965\n"));

        var result = await import.IntoAsync(new List<Note>());
        var preview = await import.PreviewAsync(5);

        Assert.True(result.Succeeded);
        const string Expected = "Only 1 of the 4 fields is in the file (Title); Pages, Author and Isbn are not. Check that this is the right file or sheet.";
        Assert.Equal(Expected, result.Warnings[0]);
        Assert.Equal(Expected, preview.Mapping!.Warnings[0]);
    }

    /// <summary>A resource whose names are several words, as application models name them.</summary>
    public sealed class Order
    {
        public string? AuthorEmail { get; set; }

        public int Quantity { get; set; }

        public DateOnly? BirthDate { get; set; }

        public string? ShippingAddress { get; set; }
    }

    /// <summary>Issue 25: headers are compared by their words too: word order, filler words and common abbreviations aside.</summary>
    [Theory]
    [InlineData("Email of the author", "AuthorEmail")]
    [InlineData("Qty.", "Quantity")]
    [InlineData("Date of birth", "BirthDate")]
    [InlineData("E-mail (author)", "AuthorEmail")]
    public void Match_HeadersWrittenInOtherWords_AreSuggestedAndTakenWhenAsked(string header, string column)
    {
        using var host = new TestHost(b => b.AddResource<Order>());
        var columns = host.Importer.For<Order>().Resource.Columns.Where(c => c.IsImported).ToArray();

        var suggested = HeaderMatcher.Match([header], columns);
        var taken = HeaderMatcher.Match([header], columns, options: new MappingOptions { AcceptSuggestions = true });

        var suggestion = Assert.Single(suggested.Suggestions, s => s.Header == header);
        Assert.Equal(column, suggestion.Column);
        Assert.True(suggestion.Score >= 0.7, $"{suggestion.Score}");
        var match = Assert.Single(taken.Matches);
        Assert.Equal((column, MatchKind.Fuzzy), (match.Column, match.Kind));
    }

    /// <summary>Sharing a word is not agreeing: "Billing Address" is never taken as ShippingAddress, and "Email" alone is only a suggestion of AuthorEmail.</summary>
    [Theory]
    [InlineData("Billing Address")]
    [InlineData("Address")]
    public void Match_HeadersSharingOnlySomeWords_AreNotTaken(string header)
    {
        using var host = new TestHost(b => b.AddResource<Order>());
        var columns = host.Importer.For<Order>().Resource.Columns.Where(c => c.IsImported).ToArray();

        var taken = HeaderMatcher.Match([header, "Quantity"], columns, options: new MappingOptions { AcceptSuggestions = true });

        Assert.Equal(["Quantity"], taken.Matches.Select(m => m.Column));
    }
}
