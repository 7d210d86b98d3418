using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace BulkData.Pdf.Tests;

public sealed class Order
{
    public int Id { get; set; }

    public string Customer { get; set; } = "";

    public decimal Amount { get; set; }

    public DateOnly Placed { get; set; }

    public string Notes { get; set; } = "";
}

/// <summary>Issue 12: the PDF report, read back with PdfPig and rendered with poppler.</summary>
public sealed class PdfSinkTests : IDisposable
{
    private static readonly string[] Customers = ["Ann Smith", "Борис Иванов", "Γιώργος Παπαδόπουλος", "Zoë Ærø"];
    private readonly ServiceProvider services = new ServiceCollection()
        .AddBulkData(b => b.AddResource<Order>(r => r.Column(o => o.Amount, c => c.Format("N2"))))
        .Services
        .BuildServiceProvider();

    private IBulkExporter Exporter => services.GetRequiredService<IBulkExporter>();

    public void Dispose() => services.Dispose();

    private static IEnumerable<Order> Orders(int count) => Enumerable.Range(1, count).Select(i => new Order
    {
        Id = i,
        Customer = Customers[i % Customers.Length],
        Amount = (i * 37.5m) + 1_000m,
        Placed = new DateOnly(2026, 1, 1).AddDays(i % 300),
        Notes = i % 10 == 0 ? "A long note that does not fit in its column and has to wrap onto more lines of the same row" : "ok",
    });

    [Fact]
    public async Task Report_EveryCellIsInTheTextInOrder_EachPageHasTheHeaderAndItsNumber()
    {
        using var output = new MemoryStream();
        await Exporter.For<Order>().From(Orders(300)).ToAsync(PdfSink.ToStream(output, new PdfSinkOptions { Title = "Orders", Description = "Placed in 2026" }));

        using var pdf = PdfDocument.Open(output.ToArray());
        var pages = pdf.GetPages().ToList();
        Assert.True(pages.Count > 3, $"{pages.Count} pages");
        foreach (var page in pages)
        {
            var words = string.Join(" ", page.GetWords().Select(w => w.Text));
            Assert.Contains("Id Customer Amount Placed Notes", words, StringComparison.Ordinal);
            Assert.Contains($"Page {page.Number}", words, StringComparison.Ordinal);
        }

        var text = string.Join(" ", pages.SelectMany(p => p.GetWords()).Select(w => w.Text));
        Assert.StartsWith("Orders Placed in 2026 Generated", text, StringComparison.Ordinal);
        var at = 0;
        foreach (var order in Orders(300))
        {
            foreach (var value in new[] { order.Id.ToString(CultureInfo.InvariantCulture), order.Customer, order.Amount.ToString("N2", CultureInfo.InvariantCulture), order.Placed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) })
            {
                foreach (var word in value.Split(' '))
                {
                    var found = text.IndexOf(word, at, StringComparison.Ordinal);
                    Assert.True(found >= 0, $"'{word}' of order {order.Id} is missing after position {at}.");
                    at = found + word.Length;
                }
            }
        }
    }

    [Fact]
    public async Task Report_NumbersAreRightAligned_AndLongTextWrapsInsideItsColumn()
    {
        using var output = new MemoryStream();
        await Exporter.For<Order>().From(Orders(20)).ToAsync(PdfSink.ToStream(output));

        using var pdf = PdfDocument.Open(output.ToArray());
        var words = pdf.GetPage(1).GetWords().ToList();
        var amounts = words.Where(w => w.Text.EndsWith(".00", StringComparison.Ordinal) || w.Text.EndsWith(".50", StringComparison.Ordinal)).ToList();
        Assert.True(amounts.Count >= 20);
        Assert.All(amounts, a => Assert.Equal(amounts[0].BoundingBox.Right, a.BoundingBox.Right, 0.5));
        var notes = words.First(w => w.Text == "Notes").BoundingBox.Left;
        var wrapped = words.Where(w => w.Text is "long" or "wrap" or "row").ToList();
        Assert.True(wrapped.Select(w => Math.Round(w.BoundingBox.Bottom)).Distinct().Count() > 1, "The long note stayed on one line.");
        Assert.All(wrapped, w => Assert.True(w.BoundingBox.Left >= notes - 1, $"'{w.Text}' is left of its column."));
    }

    [Trait("Category", "Fonts")]
    [Fact]
    public async Task Report_NonLatinText_IsDrawnWithTheBuiltInAndTheCallersFonts()
    {
        var cjk = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
        Assert.True(File.Exists(cjk), $"The CJK test needs {cjk}: apt-get install fonts-droid-fallback (.ci/run does).");
        var orders = new[]
        {
            new Order { Id = 1, Customer = "Борис", Notes = "Γειά σου" },
            new Order { Id = 2, Customer = "مرحبا", Notes = "東京都" },
        };
        var options = new PdfSinkOptions();
        options.FallbackFonts.Add(cjk);
        using var output = new MemoryStream();
        await Exporter.For<Order>().From(orders).ToAsync(PdfSink.ToStream(output, options));

        using var pdf = PdfDocument.Open(output.ToArray());
        var text = pdf.GetPage(1).Text;
        Assert.Contains("Борис", text, StringComparison.Ordinal);
        Assert.Contains("Γειά", text, StringComparison.Ordinal);
        Assert.Contains("東京都", text, StringComparison.Ordinal);

        // Arabic is shaped: its letters come out as their joined presentation forms.
        Assert.Contains(text, c => c is >= '\uFE70' and <= '\uFEFF');
        var fonts = pdf.GetPage(1).Letters.Select(l => l.FontName ?? string.Empty).Distinct().ToList();
        Assert.Contains(fonts, f => f.Contains("DejaVu", StringComparison.Ordinal));
        Assert.Contains(fonts, f => f.Contains("Droid", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue 28: every cross-reference offset points at its object, at any size and to any stream, as a strict
    /// reader (qpdf) checks it: beyond about 100 rows the offsets were counted from the last page handed on.
    /// </summary>
    [Trait("Category", "Qpdf")]
    [Theory]
    [InlineData(1, false)]
    [InlineData(100, false)]
    [InlineData(101, true)]
    [InlineData(3_000, false)]
    [InlineData(10_000, true)]
    public async Task Report_IsAValidPdf_AtAnySize(int rows, bool toAsyncOnlyStream)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bulkdata-qpdf-{Guid.NewGuid():N}.pdf");
        try
        {
            if (toAsyncOnlyStream)
            {
                var output = new AsyncOnlyStream();
                await Exporter.For<Order>().From(Orders(rows)).ToAsync(PdfSink.ToStream(output));
                await File.WriteAllBytesAsync(path, output.ToArray());
            }
            else
            {
                await Exporter.For<Order>().From(Orders(rows)).ToAsync(PdfSink.ToFile(path));
            }

            var check = Process.Start(new ProcessStartInfo("qpdf", $"--check \"{path}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var printed = await check.StandardOutput.ReadToEndAsync() + await check.StandardError.ReadToEndAsync();
            await check.WaitForExitAsync();
            Assert.True(check.ExitCode == 0 && !printed.Contains("WARNING", StringComparison.OrdinalIgnoreCase), $"qpdf --check, {rows} rows: exit {check.ExitCode}\n{printed}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Issue 28: a typeface drawn at several sizes (the bold of the title and of the header) is embedded once.</summary>
    [Fact]
    public async Task Report_EmbedsEachTypefaceOnce()
    {
        var output = new MemoryStream();
        await Exporter.For<Order>().From(Orders(10)).ToAsync(PdfSink.ToStream(output, new PdfSinkOptions { Title = "Orders" }));

        using var pdf = PdfDocument.Open(output.ToArray());
        var fonts = pdf.GetPage(1).Letters.Select(l => l.FontName ?? string.Empty).Distinct().ToList();
        var bases = fonts.GroupBy(name => name[(name.IndexOf('+', StringComparison.Ordinal) + 1)..]).ToList();
        Assert.True(bases.All(b => b.Count() == 1), $"{output.Length:N0} bytes; fonts: {string.Join(", ", fonts)}");
        Assert.Equal(2, bases.Count(b => b.Key.StartsWith("DejaVuSans", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Report_ToAStreamThatForbidsSynchronousWrites_IsWrittenAsynchronously()
    {
        var output = new AsyncOnlyStream();
        await Exporter.For<Order>().From(Orders(500)).ToAsync(PdfSink.ToStream(output));

        using var pdf = PdfDocument.Open(output.ToArray());
        Assert.True(pdf.NumberOfPages > 5);
    }

    [Fact]
    public async Task Report_ToAClientThatWentAway_FailsTheExportCleanly()
    {
        var output = new AsyncOnlyStream { FailAfterBytes = 20_000 };
        await using var sink = PdfSink.ToStream(output);

        var error = await Assert.ThrowsAsync<IOException>(() => Exporter.For<Order>().From(Orders(2_000)).ToAsync(sink));

        Assert.Contains("went away", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An export that failed and whose sink nobody disposed: its finalizers once faulted the process.</summary>
    [Fact]
    public async Task AbandonedSink_WithAPageOpen_IsFinalizedSafely()
    {
        await AbandonAsync();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        using var output = new MemoryStream();
        await Exporter.For<Order>().From(Orders(5)).ToAsync(PdfSink.ToStream(output));
        Assert.True(output.Length > 0);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static async Task AbandonAsync()
    {
        var sink = PdfSink.ToStream(new MemoryStream());
        await sink.BeginAsync(["A", "B"]);
        for (var i = 0; i < 500; i++)
        {
            sink.WriteEmptyCell();
            sink.WriteEmptyCell();
            await sink.EndRowAsync();
        }
    }

    [Fact]
    public async Task Report_Landscape_TurnsThePage()
    {
        using var output = new MemoryStream();
        await Exporter.For<Order>().From(Orders(3)).ToAsync(PdfSink.ToStream(output, new PdfSinkOptions { Landscape = true }));

        using var pdf = PdfDocument.Open(output.ToArray());
        var page = pdf.GetPage(1);
        Assert.True(page.Width > page.Height);
    }

    [Fact]
    public void Options_OutOfRangeOrAMissingFont_AreConfigurationErrors()
    {
        Assert.Throws<BulkDataConfigurationException>(() => PdfSink.ToStream(new MemoryStream(), new PdfSinkOptions { FontSize = 1 }));
        var options = new PdfSinkOptions();
        options.FallbackFonts.Add("/no/such/font.ttf");
        Assert.Throws<BulkDataConfigurationException>(() => PdfSink.ToStream(new MemoryStream(), options));
    }

    /// <summary>Throws on synchronous writes and flushes, as ASP.NET Core's response body does.</summary>
    private sealed class AsyncOnlyStream : Stream
    {
        private readonly MemoryStream written = new();

        public long FailAfterBytes { get; init; } = long.MaxValue;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => written.Length;

        public override long Position { get => written.Position; set => throw new NotSupportedException(); }

        public byte[] ToArray() => written.ToArray();

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous writes are disallowed.");

        public override void Flush() => throw new InvalidOperationException("Synchronous flushes are disallowed.");

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => written.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            written.Length + buffer.Length > FailAfterBytes ? throw new IOException("The client went away.") : written.WriteAsync(buffer, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private sealed class FixedTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    }
}

/// <summary>Memory while 100,000 rows stream into a PDF: measured alone, as the process's working set.</summary>
[Collection(nameof(MeasuredAlone))]
public sealed class PdfMemoryTests
{
    [Fact]
    public async Task Report_OfAHundredThousandRows_KeepsMemoryFlat()
    {
        using var services = new ServiceCollection().AddBulkData(b => b.AddResource<Order>()).Services.BuildServiceProvider();
        var exporter = services.GetRequiredService<IBulkExporter>();
        var small = await PeakGrowthAsync(exporter, 10_000);
        var large = await PeakGrowthAsync(exporter, 100_000);

        Console.WriteLine($"PDF: 10,000 rows +{small.Growth / 1048576} MB, 100,000 rows ({large.Pages:N0} pages) +{large.Growth / 1048576} MB working set at peak.");
        Assert.True(large.Pages > 2_000, $"{large.Pages} pages");
        Assert.True(large.Growth - small.Growth < 48 * 1024 * 1024, $"10k rows: +{small.Growth / 1048576} MB, 100k rows: +{large.Growth / 1048576} MB");
    }

    private static async Task<(long Growth, long Pages)> PeakGrowthAsync(IBulkExporter exporter, int rows)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var before = process.WorkingSet64;
        var peak = before;
        using var done = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20);
            }
        });
        var output = new CountingStream();
        var orders = Enumerable.Range(1, rows).Select(i => new Order { Id = i, Customer = $"Customer {i}", Amount = i, Placed = new DateOnly(2026, 1, 1), Notes = "ok" });
        await exporter.For<Order>().From(orders).ToAsync(PdfSink.ToStream(output));
        await done.CancelAsync();
        await sampler;
        return (peak - before, output.Pages);
    }

    /// <summary>Keeps nothing; counts the pages going by.</summary>
    private sealed class CountingStream : Stream
    {
        private static readonly byte[] PageMarker = "/Type /Page\n"u8.ToArray();

        public long Pages { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Pages += Count(buffer.AsSpan(offset, count));

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Write(buffer, offset, count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Pages += Count(buffer.Span);
            return ValueTask.CompletedTask;
        }

        private static int Count(ReadOnlySpan<byte> bytes)
        {
            var count = 0;
            for (var at = bytes.IndexOf(PageMarker); at >= 0; at = bytes.IndexOf(PageMarker))
            {
                count++;
                bytes = bytes[(at + PageMarker.Length)..];
            }

            return count;
        }
    }
}

[CollectionDefinition(nameof(MeasuredAlone), DisableParallelization = true)]
public sealed class MeasuredAlone;

/// <summary>A PDF report asked for by name, as a queued export: <c>AddPdfExport()</c> registers the format.</summary>
public sealed class PdfExportFormatTests
{
    [Fact]
    public async Task QueuedExport_AsPdf_KeepsAReportInTheFileStore()
    {
        var folder = Directory.CreateTempSubdirectory("bulkdata-pdf-files-").FullName;
        var files = new BulkData.Jobs.LocalFolderFileStore(new BulkData.Jobs.LocalFolderFileStoreOptions { Folder = folder });
        var orders = Enumerable.Range(1, 50).Select(i => new Order { Id = i, Customer = $"Customer {i}", Amount = i, Placed = new DateOnly(2026, 1, 1), Notes = "ok" }).ToArray();
        var services = new ServiceCollection().AddSingleton<BulkData.Jobs.IFileStore>(files);
        services.AddBulkData(b => b.AddResource<Order>().UseInProcessRunner().AddExportSource<Order>(_ => orders).AddPdfExport(o => o.Title = "Orders"));
        await using var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var jobId = await provider.GetRequiredService<IBulkExporter>().For<Order>().EnqueueAsync("PDF");
        var jobs = provider.GetRequiredService<BulkData.Jobs.IJobStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await jobs.GetAsync(jobId))!.IsFinished)
        {
            Assert.True(DateTime.UtcNow < deadline, "The export did not finish.");
            await Task.Delay(20);
        }

        var job = (await jobs.GetAsync(jobId))!;
        Assert.Equal((BulkData.Jobs.JobStatus.Completed, "pdf"), (job.Status, job.Format));
        await using (var output = await files.OpenAsync(Guid.Parse(job.Parameters["output"])))
        using (var copy = new MemoryStream())
        {
            await output.CopyToAsync(copy);
            using var pdf = PdfDocument.Open(copy.ToArray());
            Assert.StartsWith("Orders", pdf.GetPage(1).Text, StringComparison.Ordinal);
        }

        foreach (var hosted in provider.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        Directory.Delete(folder, recursive: true);
    }
}
