using System.Text;
using BulkData.Sources;

namespace BulkData.Core.Tests.Sources;

public sealed class CsvSourceTests
{
    private static async Task<(IReadOnlyList<string> Headers, List<SourceRow> Rows)> ReadAsync(CsvSource source)
    {
        await using var reader = await source.OpenAsync();
        var rows = new List<SourceRow>();
        await foreach (var row in reader.ReadRowsAsync())
        {
            // A source may reuse a row's cells for the next row: keep a copy.
            rows.Add(row with { Cells = row.Cells.ToArray() });
        }

        return (reader.Headers, rows);
    }

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    [InlineData("|")]
    public async Task OpenAsync_DetectsTheDelimiter(string delimiter)
    {
        var (headers, rows) = await ReadAsync(CsvSource.FromText($"Sku{delimiter}Name{delimiter}Price\nA-1{delimiter}\"x{delimiter}y\"{delimiter}1.5\n"));

        Assert.Equal(["Sku", "Name", "Price"], headers);
        Assert.Equal(["A-1", $"x{delimiter}y", "1.5"], rows.Single().Cells);
    }

    [Fact]
    public async Task OpenAsync_BlankLinesBeforeTheHeader_StillDetectTheDelimiter()
    {
        var (headers, rows) = await ReadAsync(CsvSource.FromText("\n\r\n\nSku;Name;Price\nA-1;x;1,5\n"));

        Assert.Equal(["Sku", "Name", "Price"], headers);
        Assert.Equal(["A-1", "x", "1,5"], rows.Single().Cells);
        Assert.Equal(5, rows.Single().LineNumber);
    }

    [Fact]
    public async Task OpenAsync_DelimiterOverride_WinsOverDetection()
    {
        var (headers, _) = await ReadAsync(CsvSource.FromText("a;b,c;d\n", options: new CsvSourceOptions { Delimiter = ',' }));

        Assert.Equal(["a;b", "c;d"], headers);
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-32-bom")]
    public async Task OpenAsync_DetectsTheEncoding(string encodingName)
    {
        var encoding = encodingName switch
        {
            "utf-8-bom" => new UTF8Encoding(true),
            "utf-16le-bom" or "utf-16le" => new UnicodeEncoding(false, encodingName.EndsWith("bom", StringComparison.Ordinal)),
            "utf-16be-bom" => new UnicodeEncoding(true, true),
            _ => (Encoding)new UTF32Encoding(false, true),
        };
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes("Name,City\nZoë,Kraków 日本\n")).ToArray();

        var (headers, rows) = await ReadAsync(CsvSource.FromStream(new MemoryStream(bytes)));

        Assert.Equal(["Name", "City"], headers);
        Assert.Equal(["Zoë", "Kraków 日本"], rows.Single().Cells);
    }

    /// <summary>Issue 25: a CSV saved by Excel on a Western Windows (Windows-1252, no BOM) reads with the encoding named, whatever .NET needs for it.</summary>
    [Fact]
    public async Task OpenAsync_WithAWindowsCodePage_ReadsItsLetters()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = Encoding.GetEncoding(1252).GetBytes("Name,City\nZoë,Café “quoted” €\n");

        var (_, rows) = await ReadAsync(CsvSource.FromStream(new MemoryStream(bytes), options: new CsvSourceOptions { Encoding = CsvSourceOptions.EncodingNamed("windows-1252") }));

        Assert.Equal(["Zoë", "Café “quoted” €"], rows.Single().Cells);
        Assert.Throws<BulkDataConfigurationException>(() => CsvSourceOptions.EncodingNamed("klingon"));
    }

    [Fact]
    public async Task ReadRowsAsync_BlankLinesAndEmptyRows_AreSkippedAndLinesStayTrue()
    {
        var (_, rows) = await ReadAsync(CsvSource.FromText("A,B\r\n1,\"two\r\nlines\"\r\n\r\n,\r\n3,4\r\n\r\n"));

        Assert.Equal([(1L, 2L), (2L, 6L)], rows.Select(r => (r.RowNumber, r.LineNumber)));
        Assert.Equal("two\r\nlines", rows[0].Cells[1]);
    }

    [Fact]
    public async Task FromFile_ReadsTheFileOnEveryOpen()
    {
        var path = Path.Combine(Path.GetTempPath(), $"bulkdata-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(path, "Sku,Name\nA-1,Widget\n");
        try
        {
            var source = CsvSource.FromFile(path);
            Assert.Equal("bulkdata-", source.Name![..9]);
            Assert.Single((await ReadAsync(source)).Rows);
            Assert.Single((await ReadAsync(source)).Rows);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task FromStream_ForwardOnlyStreamReadTwice_ThrowsAClearError()
    {
        var source = CsvSource.FromStream(new ForwardOnlyStream(Encoding.UTF8.GetBytes("A\n1\n")));
        await ReadAsync(source);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ReadAsync(source));

        Assert.Contains("already been read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAsync_ExcelsSepLine_SetsTheDelimiterAndIsNotAHeader()
    {
        var (headers, rows) = await ReadAsync(CsvSource.FromText("sep=;\nSku;Name,Full\nA-1;x,y\n"));

        Assert.Equal(["Sku", "Name,Full"], headers);
        Assert.Equal(["A-1", "x,y"], rows.Single().Cells);
    }

    [Fact]
    public async Task Comment_LinesStartingWithIt_AreSkipped()
    {
        var options = new CsvSourceOptions { Comment = '#' };

        var (_, rows) = await ReadAsync(CsvSource.FromText("A,B\n# a comment\n1,2\n", options: options));

        Assert.Equal(["1", "2"], rows.Single().Cells);
        Assert.Equal(3, rows.Single().LineNumber);
    }

    /// <summary>Any values written by an independent writer (CsvHelper 34) come back exact, each row with the line it starts on.</summary>
    [FsCheck.Xunit.Property(MaxTest = 300, Replay = Properties.Replay)]
    public FsCheck.Property ArbitraryCsv_ReadsBackEveryValueWithItsLine()
    {
        var cell = FsCheck.Fluent.Gen.OneOf(Properties.Text(), FsCheck.Fluent.Gen.Elements("", " ", "\"", "a\"b", "x\r", "\n", "\r\n", "a,b"));
        var rows = FsCheck.Fluent.Gen.NonEmptyListOf(FsCheck.Fluent.Gen.ArrayOf(cell, 3));
        return FsCheck.Fluent.Prop.ForAll(FsCheck.Fluent.Arb.ToArbitrary(rows), data =>
        {
            var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
            using (var writer = CsvHelper.CsvWriter.Create(text, new CsvHelper.CsvWriterOptions { Separator = ',' }, leaveOpen: true))
            {
                writer.WriteHeader(["A", "B", "C"]);
                foreach (var row in data)
                {
                    writer.WriteRecord(row);
                }
            }

            var csv = text.ToString();
            var (headers, read) = ReadAsync(CsvSource.FromText(csv)).GetAwaiter().GetResult();

            // Rows of white space only are skipped; every other row keeps its number and the line it starts on.
            var expected = new List<(long Row, long Line, string Cells)>();
            var line = 2L;
            foreach (var row in data)
            {
                if (!row.All(string.IsNullOrWhiteSpace))
                {
                    expected.Add((expected.Count + 1, line, string.Join("\u0001", row)));
                }

                line += row.Sum(value => value.Count(c => c == '\n') + value.Count(c => c == '\r') - value.Split("\r\n").Length + 1) + 1;
            }

            Assert.Equal(["A", "B", "C"], headers);
            Assert.Equal(expected, read.Select(r => (r.RowNumber, r.LineNumber, string.Join("\u0001", r.Cells))));
            Assert.All(read, r => Assert.Null(r.Problem));
        });
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
