using System.Globalization;
using System.Runtime.CompilerServices;
using BulkData.Sources;

namespace BulkData.Core.Tests.Sources;

/// <summary>Issue 16: a source of the application's own describes its cells; the pipeline does not guess from its type.</summary>
public sealed class CustomSourceTests
{
    public sealed class Reading
    {
        public string Meter { get; set; } = "";

        public decimal Value { get; set; }
    }

    [Fact]
    public async Task TypedCellsOfACustomSource_AreReadInInvariantNotation_TextInTheColumnsCulture()
    {
        using var host = new TestHost(b => b.AddResource<Reading>());
        var source = new MeterSource(
            (["M-1", "1234.5"], [false, true]),
            (["M-2", "1.234,5"], [false, false]),
            (["M-3", "1234.5"], [false, false]));
        var items = new List<Reading>();

        var result = await host.Importer.For<Reading>().From(source).WithCulture(CultureInfo.GetCultureInfo("de-DE"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(items);

        Assert.Equal([("M-1", 1234.5m), ("M-2", 1234.5m)], items.Select(r => (r.Meter, r.Value)));
        Assert.Equal(3, Assert.Single(result.Errors).RowNumber);
    }

    [Fact]
    public async Task ACustomSourceWithoutAReportSink_IsStillImported()
    {
        using var host = new TestHost(b => b.AddResource<Reading>());
        var items = new List<Reading>();

        await host.Importer.For<Reading>().From(new MeterSource((["M-1", "2"], [false, true]))).IntoAsync(items);

        Assert.Null(((IImportSource)new MeterSource()).CreateReportSink(Stream.Null));
        Assert.Equal(2m, Assert.Single(items).Value);
    }

    /// <summary>Rows from another system, some values sent as numbers (typed), some as text a person typed.</summary>
    private sealed class MeterSource(params (string?[] Cells, bool[] Typed)[] rows) : IImportSource
    {
        public string Format => "meters";

        public string? Name => "meter feed";

        public ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IImportReader>(new Reader(rows));

        private sealed class Reader((string?[] Cells, bool[] Typed)[] rows) : IImportReader
        {
            public IReadOnlyList<string> Headers => ["Meter", "Value"];

            public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
            {
                for (var i = 0; i < rows.Length; i++)
                {
                    await Task.Yield();
                    yield return new SourceRow(i + 1, i + 2, new Cells(rows[i].Cells, rows[i].Typed));
                }
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }

        private sealed class Cells(string?[] texts, bool[] typed) : List<string?>(texts), ITypedCells
        {
            public bool IsTyped(int index) => typed[index];
        }
    }
}
