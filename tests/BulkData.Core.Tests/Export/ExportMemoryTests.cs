using BulkData.Jobs;
using BulkData.Sinks;

namespace BulkData.Core.Tests.Export;

/// <summary>
/// Exports of 1,000,000 rows stream: the managed heap, measured after a full collection at every 100,000
/// rows, does not grow with the row count. (The real figures, with peak working set, are in docs/benchmarks.md.)
/// </summary>
[Collection(MeasuredAlone.Name)]
public sealed class ExportMemoryTests
{
    private const int Rows = 1_000_000;
    private const long AllowedGrowth = 8 * 1024 * 1024;

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    [InlineData("json")]
    public async Task Export_MillionRows_HeapStaysFlat(string format)
    {
        using var host = new TestHost();
        var output = new CountingStream();
        IExportSink sink = format switch
        {
            "csv" => CsvSink.ToStream(output),
            "xlsx" => XlsxSink.ToStream(output),
            _ => JsonSink.ToStream(output),
        };
        var heap = new HeapSampler();

        var result = await host.Exporter.For<Product>()
            .From(Generate())
            .WithOptions(o => o.ProgressInterval = 100_000)
            .WithProgress(heap)
            .ToAsync(sink);

        Assert.Equal(Rows, result.Rows);
        Assert.True(output.Length > Rows * 20L, $"only {output.Length} bytes written");
        var growth = heap.Samples[^1] - heap.Samples[0];
        Assert.True(growth < AllowedGrowth, $"the heap grew by {growth:N0} bytes from 100,000 to 1,000,000 rows: {string.Join(", ", heap.Samples.Select(s => $"{s / 1024 / 1024} MB"))}");
    }

    /// <summary>A data package streams too: its table's rows are written, a block at a time, while they are read.</summary>
    [Fact]
    public async Task Package_MillionRows_HeapStaysFlatAndBytesLeaveAsRowsArrive()
    {
        using var host = new TestHost();
        var output = new CountingStream();
        var heap = new HeapSampler(every: 100);
        var generated = 0L;
        long? generatedAtFirstWrite = null;
        output.Written += () => generatedAtFirstWrite ??= generated;

        var result = await host.Exporter.Package()
            .Add(Generate().Select(p => { generated++; return p; }))
            .WithProgress(heap)
            .ToAsync(output);

        Assert.Equal(Rows, result.Rows["product"]);
        Assert.True(generatedAtFirstWrite < 5_000, $"nothing was written until {generatedAtFirstWrite} of {Rows} rows were read");
        var growth = heap.Samples[^1] - heap.Samples[0];
        Assert.True(growth < AllowedGrowth, $"the heap grew by {growth:N0} bytes from 100,000 to 1,000,000 rows: {string.Join(", ", heap.Samples.Select(s => $"{s / 1024 / 1024} MB"))}");
    }

    private static IEnumerable<Product> Generate()
    {
        for (var i = 0; i < Rows; i++)
        {
            yield return new Product { Sku = $"P-{i}", Name = "Item with a name", UnitPrice = i * 0.01m, Quantity = i % 1000, Color = (Color)(i % 3), Released = DateOnly.FromDayNumber(738_000 + (i % 3_000)) };
        }
    }

    /// <summary>Samples the heap after a full collection each time the export reports progress.</summary>
    private sealed class HeapSampler(int every = 1) : IProgress<JobProgress>
    {
        private int reports;

        public List<long> Samples { get; } = [];

        public void Report(JobProgress value)
        {
            if (++reports % every == 0)
            {
                Samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }
        }
    }

    /// <summary>A forward-only output that keeps nothing but its length, like a network response.</summary>
    private sealed class CountingStream : Stream
    {
        private long length;

        /// <summary>Raised on every write.</summary>
        public event Action? Written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => length;

        public override long Position { get => length; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            length += buffer.Length;
            Written?.Invoke();
        }
    }
}
