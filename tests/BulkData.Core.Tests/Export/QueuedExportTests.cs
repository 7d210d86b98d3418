using System.Text;
using BulkData.Export;
using BulkData.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BulkData.Core.Tests.Export;

/// <summary>
/// Issue 11: stored export filters (checked when set, translated into the rows' query), queued exports whose
/// file lands in the file store, and scheduled exports that run once per tick however many processes tick.
/// </summary>
public sealed class QueuedExportTests : IDisposable
{
    private static readonly Product[] Products =
    [
        new() { Sku = "A-1", Name = "Anvil", UnitPrice = 10m, Quantity = 5, Color = Color.Red, Released = new DateOnly(2026, 11, 28) },
        new() { Sku = "A-2", Name = "Axe", UnitPrice = 25m, Quantity = 0, Color = Color.Green, Released = new DateOnly(2026, 10, 1) },
        new() { Sku = "B-1", Name = "Bell", UnitPrice = 7.5m, Quantity = 12, Color = Color.LightBlue, Released = null },
        new() { Sku = "B-2", Name = "Bucket of bolts", UnitPrice = 3m, Quantity = 40, Color = Color.Red, Released = new DateOnly(2026, 11, 30) },
    ];

    private readonly InMemoryJobStore store = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"bulkdata-files-{Guid.NewGuid():N}");
    private readonly LocalFolderFileStore files;

    public QueuedExportTests()
    {
        files = new LocalFolderFileStore(new LocalFolderFileStoreOptions { Folder = folder });
    }
    private readonly List<ServiceProvider> processes = [];

    public void Dispose()
    {
        foreach (var process in processes)
        {
            process.Dispose();
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Where_StoredFilter_MatchesTheRowsItSays()
    {
        using var host = new TestHost();
        var filter = ExportFilter.All(
            ExportFilter.Any(ExportFilter.Where("Color", FilterOperator.Equal, "Red"), ExportFilter.Where("UnitPrice", FilterOperator.GreaterThan, "20")),
            ExportFilter.Where("Product Name", FilterOperator.StartsWith, "A"));

        var rows = await ExportSkusAsync(host.Exporter.For<Product>().From(Products.AsQueryable()).Where(ExportFilter.FromJson(filter.ToJson())));

        Assert.Equal(["A-1", "A-2"], rows);
        Assert.Equal(["B-1"], await ExportSkusAsync(host.Exporter.For<Product>().From(Products).Where(ExportFilter.Where("Released", FilterOperator.IsEmpty))));
        Assert.Equal(["B-2"], await ExportSkusAsync(host.Exporter.For<Product>().From(Products).Where(ExportFilter.Where("Name", FilterOperator.Contains, "bolts"))));
    }

    /// <summary>
    /// A client that leaves an HTTP export: its response's writes then do nothing and ignore the token, and a
    /// list of rows never looks at it either; the export must still stop (seen as a flaky HTTP test).
    /// </summary>
    [Fact]
    public async Task ToAsync_CancelledWhileWritingToAnOutputThatIgnoresTheToken_EndsCancelled()
    {
        using var host = new TestHost();
        using var leave = new CancellationTokenSource();
        IEnumerable<Product> Rows()
        {
            for (var i = 0; i < 10_000; i++)
            {
                if (i == 100)
                {
                    leave.Cancel();
                }

                yield return new Product { Sku = $"S-{i}", Name = "n" };
            }
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => host.Exporter.For<Product>().From(Rows()).ToAsync(BulkData.CsvSink.ToStream(Stream.Null), leave.Token));

        var job = (await host.Jobs.QueryAsync(new JobQuery { Kind = JobKind.Export }).ToListAsync()).Single();
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.InRange(job.Counts.Read, 100, 101);
    }

    [Fact]
    public async Task Where_WithinLast_CountsBackFromTheRunsTime()
    {
        using var host = new TestHost(services: s => s.AddSingleton<TimeProvider>(new FixedTime(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero))));

        var recent = await ExportSkusAsync(host.Exporter.For<Product>().From(Products).Where(ExportFilter.Where("Released", FilterOperator.WithinLast, "P7D")));
        var older = await ExportSkusAsync(host.Exporter.For<Product>().From(Products).Where(ExportFilter.Where("Released", FilterOperator.OlderThan, "P30D")));

        Assert.Equal(["A-1", "B-2"], recent);
        Assert.Equal(["A-2"], older);
    }

    [Theory]
    [InlineData("Colour", FilterOperator.Equal, "Red", "has no field 'Colour'")]
    [InlineData("UnitPrice", FilterOperator.GreaterThan, "ten", "'ten' is not a value of 'UnitPrice'")]
    [InlineData("Quantity", FilterOperator.Contains, "1", "needs a text field")]
    [InlineData("Quantity", FilterOperator.WithinLast, "P7D", "needs a date field")]
    [InlineData("Released", FilterOperator.WithinLast, "7 days", "not a span of time")]
    [InlineData("Sku", FilterOperator.GreaterThan, "A", "does not apply to 'Sku'")]
    [InlineData("Quantity", FilterOperator.Equal, null, "needs a value")]
    public void Where_BadFieldOrValue_IsAConfigurationErrorNamingIt(string field, FilterOperator comparison, string? value, string message)
    {
        using var host = new TestHost();

        var error = Assert.Throws<BulkDataConfigurationException>(() => host.Exporter.For<Product>().Where(ExportFilter.Where(field, comparison, value)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnqueueAsync_Export_RunsOnTheRunnerAndKeepsItsFileInTheFileStore()
    {
        var process = await StartAsync();

        var jobId = await process.GetRequiredService<IBulkExporter>().For<Product>()
            .OwnedBy("ann", "acme")
            .Columns("Sku", "Quantity")
            .Where(ExportFilter.Where("Quantity", FilterOperator.GreaterThan, "0"))
            .EnqueueAsync("csv");
        var job = await WaitAsync(jobId);

        Assert.Equal((JobStatus.Completed, 3L, "acme"), (job.Status, job.Counts.Read, job.Tenant));
        Assert.Equal("Sku,Quantity\r\nA-1,5\r\nB-1,12\r\nB-2,40\r\n", await ReadOutputAsync(job));
    }

    [Fact]
    public async Task ScheduledExport_TwoProcessesTick_EachTickRunsOnce()
    {
        var first = await StartAsync(b => b.AddScheduledExport<Product>("nightly", "*/1 * * * * *", o => o.Columns.Add("Sku")));
        var second = await StartAsync(b => b.AddScheduledExport<Product>("nightly", "*/1 * * * * *", o => o.Columns.Add("Sku")));

        await Task.Delay(TimeSpan.FromSeconds(3.5));
        await StopAsync(first);
        await StopAsync(second);
        var runs = await store.QueryAsync(new JobQuery { Kind = JobKind.Export, Take = 100 }).ToListAsync();

        var ticks = runs.Select(r => DateTimeOffset.Parse(r.Parameters["dueAt"], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();
        Assert.InRange(runs.Count, 2, 5);
        Assert.All(runs, run => Assert.Equal("nightly", run.Parameters["schedule"]));
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        foreach (var run in runs.Where(r => r.IsFinished))
        {
            Assert.Equal("Sku\r\nA-1\r\nA-2\r\nB-1\r\nB-2\r\n", await ReadOutputAsync(run));
        }
    }

    [Fact]
    public async Task ScheduledExport_RunsOlderThanTheRetention_AreDeletedWithTheirFiles()
    {
        var process = await StartAsync(b => b.AddScheduledExport<Product>("hourly", "*/1 * * * * *", o => o.Retention = TimeSpan.FromSeconds(1.5)));

        await Task.Delay(TimeSpan.FromSeconds(4.5));
        await StopAsync(process);
        var kept = await store.QueryAsync(new JobQuery { Kind = JobKind.Export, Take = 100 }).ToListAsync();
        var history = await store.QueryHistoryAsync(new JobHistoryQuery { Take = 1_000 }).ToListAsync();

        Assert.InRange(kept.Count, 1, 3);
        Assert.Contains(history, e => e.Event.Action == "deleted");
        var outputs = kept.Where(k => k.Parameters.ContainsKey("output")).Select(k => Guid.Parse(k.Parameters["output"])).Order();
        Assert.Equal(outputs, Directory.GetFiles(folder, "*.bin").Select(f => Guid.Parse(Path.GetFileNameWithoutExtension(f))).Order());
    }

    [Fact]
    public void AddScheduledExport_BadCronFilterOrColumn_FailsAtRegistration()
    {
        Assert.Contains("is not a cron expression", Register("0 3 * *", _ => { }).Message, StringComparison.Ordinal);
        Assert.Contains("has no field 'Colour'", Register("0 3 * * *", o => o.Filter = ExportFilter.Where("Colour", FilterOperator.Equal, "Red")).Message, StringComparison.Ordinal);
        Assert.Contains("has no export column 'Price'", Register("0 3 * * *", o => o.Columns.Add("Price")).Message, StringComparison.Ordinal);
        Assert.Contains("cannot export to 'pdf'", Register("0 3 * * *", o => o.Format = "pdf").Message, StringComparison.Ordinal);

        static BulkDataConfigurationException Register(string cron, Action<ScheduledExportOptions> configure) =>
            Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b.AddResource<Product>().AddScheduledExport<Product>("nightly", cron, configure)));
    }

    private static async Task<List<string>> ExportSkusAsync(ExportOperation<Product> operation)
    {
        using var output = new MemoryStream();
        await operation.Columns("Sku").ToAsync(BulkData.CsvSink.ToStream(output, new BulkData.CsvSinkOptions { Encoding = new UTF8Encoding(false) }));
        return Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
    }

    /// <summary>An application process sharing the job store and the file store with the others.</summary>
    private async Task<ServiceProvider> StartAsync(Action<BulkData.DependencyInjection.BulkDataBuilder>? configure = null)
    {
        var services = new ServiceCollection().AddSingleton<IJobStore>(store).AddSingleton<IFileStore>(files);
        services.AddBulkData(b =>
        {
            b.AddResource<Product>().UseInProcessRunner().AddExportSource<Product>(_ => Products.AsQueryable());
            configure?.Invoke(b);
        });
        var provider = services.BuildServiceProvider();
        processes.Add(provider);
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return provider;
    }

    private static async Task StopAsync(ServiceProvider process)
    {
        foreach (var hosted in process.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    private async Task<Job> WaitAsync(Guid jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await store.GetAsync(jobId))!.IsFinished)
        {
            Assert.True(DateTime.UtcNow < deadline, "The export did not finish.");
            await Task.Delay(20);
        }

        return (await store.GetAsync(jobId))!;
    }

    private async Task<string> ReadOutputAsync(Job job)
    {
        await using var file = await files.OpenAsync(Guid.Parse(job.Parameters["output"]));
        using var reader = new StreamReader(file);
        return await reader.ReadToEndAsync();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
