using BulkData.Core.Tests.Formats;
using BulkData.Jobs;

namespace BulkData.Core.Tests.Sources;

/// <summary>
/// Issue 25: an exported report has a title and notes above its header. With <see cref="CsvSourceOptions.FindHeaderRow"/>
/// the import takes the record among the first 20 that best matches the resource's columns, says which line, and skips
/// the lines above it; a stated <see cref="CsvSourceOptions.HeaderRow"/> skips them too.
/// </summary>
public sealed class CsvHeaderRowTests
{
    [Theory]
    [InlineData(1, ',')]
    [InlineData(3, ',')]
    [InlineData(4, ';')]
    [InlineData(12, '\t')]
    public async Task TheHeaderLine_IsFound_BelowATitle(int headerLine, char delimiter)
    {
        var above = Enumerable.Range(1, headerLine - 1).Select(l => l == 1 ? "Monthly timings, March" : l % 2 == 0 ? string.Empty : $"note {l}{delimiter}amounts in EUR");
        var csv = string.Join("\n", [.. above, $"Name{delimiter}Amount", $"first{delimiter}2.5", $"second{delimiter}4"]) + "\n";
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());
        var items = new List<XlsxRealWorldTests.Timing>();

        var result = await host.Importer.For<XlsxRealWorldTests.Timing>()
            .From(CsvSource.FromStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(csv)), options: new CsvSourceOptions { HeaderRow = CsvSourceOptions.FindHeaderRow, Delimiter = headerLine == 12 ? delimiter : null }))
            .IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal([("first", 2.5m), ("second", 4m)], items.Select(i => (i.Name!, i.Amount!.Value)));
        Assert.Equal(headerLine.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Job.Parameters["headerRow"]);
        Assert.Equal(headerLine > 1, result.Warnings.Any(w => w.StartsWith($"The header was found on row {headerLine}", StringComparison.Ordinal)));
    }

    /// <summary>The header is found on any line from 1 to 20, whatever text (without quotes) the lines above it hold.</summary>
    [FsCheck.Xunit.Property(MaxTest = 60, Replay = Properties.Replay)]
    public bool TheHeaderLine_IsFound_WhateverIsAboveIt(FsCheck.PositiveInt line, string[] titles)
    {
        var headerLine = (line.Get % 20) + 1;
        titles = (titles ?? []).Where(t => t is not null && !string.IsNullOrWhiteSpace(t) && t.All(c => !char.IsControl(c) && !char.IsSurrogate(c) && c is not '"' and not '\u2028' and not '\u2029' and not '\u0085')).ToArray();
        var above = Enumerable.Range(1, headerLine - 1).Select(l => titles.Length == 0 ? string.Empty : titles[l % titles.Length]);
        var csv = string.Join("\n", [.. above, "Name,Amount,When", "first,2.5,"]) + "\n";
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());
        var items = new List<XlsxRealWorldTests.Timing>();

        var result = host.Importer.For<XlsxRealWorldTests.Timing>()
            .From(CsvSource.FromText(csv, options: new CsvSourceOptions { HeaderRow = CsvSourceOptions.FindHeaderRow, Delimiter = ',' }))
            .IntoAsync(items).GetAwaiter().GetResult();

        return result.Succeeded && items.Single() is { Name: "first", Amount: 2.5m } && result.Job.Parameters["headerRow"] == headerLine.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AStatedHeaderLine_SkipsTheLinesAboveIt()
    {
        const string Csv = "Exported 2024-03-01\nby the finance team\nName,Amount\nfirst,2.5\n";
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());
        var items = new List<XlsxRealWorldTests.Timing>();

        var result = await host.Importer.For<XlsxRealWorldTests.Timing>().From(CsvSource.FromText(Csv, options: new CsvSourceOptions { HeaderRow = 3, Delimiter = ',' })).IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("first", Assert.Single(items).Name);
    }

    /// <summary>
    /// Issue 25: headers that name no field fail before any row, and the message says where the header is: the line of
    /// a CSV, the sheet and row of a workbook whose header is on another sheet, below a title.
    /// </summary>
    [Fact]
    public async Task HeadersMatchingNothing_NameTheLineThatMatches()
    {
        const string Csv = "Exported 2024-03-01,by finance\nName,Amount\nfirst,2.5\n";
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());

        var result = await host.Importer.For<XlsxRealWorldTests.Timing>().From(CsvSource.FromText(Csv)).IntoAsync(new List<XlsxRealWorldTests.Timing>());

        Assert.Equal(JobStatus.ValidationFailed, result.Job.Status);
        Assert.Contains(result.Errors, e => e.Message.Contains("The best match is line 2, naming 2 of the", StringComparison.Ordinal) && e.Message.Contains("set HeaderRow to 2", StringComparison.Ordinal));
    }

    /// <summary>Issue 25: a header that names only optional fields, with a required one missing, is told the line that names more.</summary>
    [Fact]
    public async Task AHeaderMissingARequiredField_NamesTheLineThatHasIt()
    {
        const string Csv = "Author,Printed on\n\nTitle,Pages,Author\nDune,412,Herbert\n";
        using var host = new TestHost(b => b.AddResource<Book>());

        var result = await host.Importer.For<Book>().From(CsvSource.FromText(Csv)).IntoAsync(new List<Book>());

        Assert.Equal(JobStatus.ValidationFailed, result.Job.Status);
        var error = Assert.Single(result.Errors);
        Assert.Contains("no column 'Title', which is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("The best match is line 3, naming 3 of the 3 fields: set HeaderRow to 3", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A header that names the required fields but repeats one is told nothing about other lines: no line names more.</summary>
    [Fact]
    public async Task AHeaderThatNamesMostFields_GetsNoHint()
    {
        const string Csv = "Title,Pages,Author,Title\nDune,412,Herbert,Dune\n";
        using var host = new TestHost(b => b.AddResource<Book>());

        var result = await host.Importer.For<Book>().From(CsvSource.FromText(Csv)).IntoAsync(new List<Book>());

        Assert.Equal(JobStatus.ValidationFailed, result.Job.Status);
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("The best match", StringComparison.Ordinal));
    }

    public sealed class Book
    {
        [System.ComponentModel.DataAnnotations.Required]
        public string? Title { get; set; }

        public int? Pages { get; set; }

        public string? Author { get; set; }
    }

    [Fact]
    public async Task HeadersMatchingNothing_NameTheSheetAndRowThatMatch()
    {
        var workbook = OpenXmlWorkbooks.Create(
            false,
            ("Notes", (data, _) => data.Append(OpenXmlWorkbooks.Row(1, OpenXmlWorkbooks.Inline("A1", "Read me first")))),
            ("Timings", (data, _) => data.Append(
                OpenXmlWorkbooks.Row(1, OpenXmlWorkbooks.Inline("A1", "Monthly timings")),
                OpenXmlWorkbooks.Row(3, OpenXmlWorkbooks.Inline("A3", "Name"), OpenXmlWorkbooks.Inline("B3", "Amount")),
                OpenXmlWorkbooks.Row(4, OpenXmlWorkbooks.Inline("A4", "first"), OpenXmlWorkbooks.Number("B4", 2.5)))));
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());

        var result = await host.Importer.For<XlsxRealWorldTests.Timing>().From(XlsxSource.FromStream(new MemoryStream(workbook))).IntoAsync(new List<XlsxRealWorldTests.Timing>());

        Assert.Equal(JobStatus.ValidationFailed, result.Job.Status);
        Assert.Contains(result.Errors, e => e.Message.Contains("The best match is row 3 of the sheet 'Timings', naming 2 of the", StringComparison.Ordinal));
    }

    /// <summary>Finding the header reads the file's start twice: a forward-only stream (a stored upload) gives it again from what it kept.</summary>
    [Fact]
    public async Task FindingTheHeader_OnAForwardOnlyStream_ReadsItAll()
    {
        using var host = new TestHost(b => b.AddResource<XlsxRealWorldTests.Timing>());
        var lines = Enumerable.Range(1, 5_000).Select(i => $"row {i},{i}");
        var forwardOnly = new ForwardOnlyStream(System.Text.Encoding.UTF8.GetBytes(string.Join("\n", ["Report of timings", "", "Name,Amount", .. lines]) + "\n"));
        var items = new List<XlsxRealWorldTests.Timing>();

        var result = await host.Importer.For<XlsxRealWorldTests.Timing>().From(CsvSource.FromStream(forwardOnly, options: new CsvSourceOptions { HeaderRow = CsvSourceOptions.FindHeaderRow })).IntoAsync(items);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Enumerable.Range(1, 5_000).Select(i => ($"row {i}", (decimal)i)), items.Select(i => (i.Name!, i.Amount!.Value)));
        Assert.Equal("3", result.Job.Parameters["headerRow"]);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
