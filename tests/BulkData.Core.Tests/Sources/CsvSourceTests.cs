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
            rows.Add(row);
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
    public async Task OpenAsync_DelimiterOverride_WinsOverDetection()
    {
        var (headers, _) = await ReadAsync(CsvSource.FromText("a;b,c;d\n", options: new CsvSourceOptions { Delimiter = "," }));

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
    public async Task Configure_CsvHelperDialectOptions_AreApplied()
    {
        var options = new CsvSourceOptions { Configure = c => { c.AllowComments = true; c.Comment = '#'; } };

        var (_, rows) = await ReadAsync(CsvSource.FromText("A,B\n# a comment\n1,2\n", options: options));

        Assert.Equal(["1", "2"], rows.Single().Cells);
    }

    private sealed class ForwardOnlyStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
