using BulkData.Import;
using BulkData.Sinks;
using BulkData.Sources;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 10: uploads arrive on ASP.NET Core request streams and exports leave on response streams, whose
/// synchronous Read, Write and Flush throw. Every source and sink works on such a stream, forward-only or seekable.
/// </summary>
public sealed class AsyncOnlyStreamTests
{
    public static TheoryData<string> Formats => ["csv", "xlsx", "xlsx-shared", "json", "ndjson"];

    private static readonly Product[] Products =
    [
        new() { Sku = "A-1", Name = "Hammer", UnitPrice = 12.5m, Quantity = 3, Color = Color.Red, Released = new DateOnly(2024, 3, 1) },
        new() { Sku = "A-2", Name = "=cmd()", UnitPrice = 0.25m, Quantity = 0, Color = Color.LightBlue },
    ];

    private static IExportSink Sink(string format, Stream stream) => format switch
    {
        "csv" => CsvSink.ToStream(stream),
        "xlsx" => XlsxSink.ToStream(stream),
        "xlsx-shared" => XlsxSink.ToStream(stream, new XlsxSinkOptions { SharedStrings = true }),
        "json" => JsonSink.ToStream(stream),
        _ => JsonSink.ToStream(stream, new JsonSinkOptions { Ndjson = true }),
    };

    private static IImportSource Source(string format, Stream stream) => format switch
    {
        "csv" => CsvSource.FromStream(stream, "products.csv"),
        "xlsx" or "xlsx-shared" => XlsxSource.FromStream(stream, "products.xlsx"),
        _ => JsonSource.FromStream(stream, "products.json"),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task ExportThenImport_OnStreamsThatForbidSynchronousIo_RoundTrips(string format)
    {
        using var host = new TestHost();
        var response = new AsyncOnlyStream([], seekable: false);

        var exported = await host.Exporter.For<Product>().From(Products).ToAsync(Sink(format, response));

        Assert.True(exported.Succeeded, exported.Job.FailureReason);
        foreach (var seekable in new[] { false, true })
        {
            var upload = new AsyncOnlyStream(response.Written, seekable);
            var imported = new List<Product>();
            var result = await host.Importer.For<Product>().From(Source(format, upload)).IntoAsync(imported);
            Assert.True(result.Succeeded, $"seekable {seekable}: {result.FailureReason} {string.Join("\n", result.Errors)}");
            Assert.Equal(Products.Select(p => (p.Sku, p.UnitPrice, p.Color, p.Released)), imported.Select(p => (p.Sku, p.UnitPrice, p.Color, p.Released)));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task PreviewThenImport_OnASeekableAsyncOnlyUpload_ReadsTwice(string format)
    {
        using var host = new TestHost();
        var file = new AsyncOnlyStream([], seekable: false);
        await host.Exporter.For<Product>().From(Products).ToAsync(Sink(format, file));
        var upload = Source(format, new AsyncOnlyStream(file.Written, seekable: true));

        var preview = await host.Importer.For<Product>().From(upload).PreviewAsync();
        var result = await host.Importer.For<Product>().From(upload).IntoAsync(new List<Product>());

        Assert.Equal((2, 2L), (preview.PreviewRows.Count, result.Counts.Created));
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    [InlineData("json")]
    public async Task ErrorReport_OnAResponseStream_IsWritten(string format)
    {
        using var host = new TestHost();
        var file = new AsyncOnlyStream([], seekable: false);
        await host.Exporter.For<Product>().From(Products.Append(new Product { Sku = "A-3", Name = "", Quantity = 5 })).ToAsync(Sink(format, file));
        var source = Source(format, new AsyncOnlyStream(file.Written, seekable: true));
        var result = await host.Importer.For<Product>().From(source).IntoAsync(new List<Product>());
        var report = new AsyncOnlyStream([], seekable: false);

        var rows = await ImportErrorReport.WriteAsync(source, result, ImportErrorReport.SinkFor(source, report));

        Assert.Equal(1, rows);
        Assert.NotEmpty(report.Written);
    }
}

/// <summary>A stream like Kestrel's request and response bodies: synchronous Read, Write and Flush throw.</summary>
internal sealed class AsyncOnlyStream : Stream
{
    private readonly MemoryStream inner = new();
    private readonly bool seekable;

    public AsyncOnlyStream(byte[] content, bool seekable)
    {
        inner.Write(content);
        inner.Position = 0;
        this.seekable = seekable;
    }

    public byte[] Written => inner.ToArray();

    public override bool CanRead => true;

    public override bool CanSeek => seekable;

    public override bool CanWrite => true;

    public override long Length => seekable ? inner.Length : throw new NotSupportedException();

    public override long Position
    {
        get => seekable ? inner.Position : throw new NotSupportedException();
        set
        {
            if (!seekable)
            {
                throw new NotSupportedException();
            }

            inner.Position = value;
        }
    }

    public override void Flush() => throw Synchronous();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw Synchronous();

    public override int Read(Span<byte> buffer) => throw Synchronous();

    public override int ReadByte() => throw Synchronous();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw Synchronous();

    public override void Write(ReadOnlySpan<byte> buffer) => throw Synchronous();

    public override void WriteByte(byte value) => throw Synchronous();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(buffer, cancellationToken);

    private static InvalidOperationException Synchronous() => new("Synchronous operations are disallowed. Call ReadAsync/WriteAsync/FlushAsync instead.");
}
