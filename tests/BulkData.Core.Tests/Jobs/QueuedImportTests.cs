using System.Text;
using BulkData.Import;
using BulkData.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BulkData.Core.Tests.Jobs;

/// <summary>
/// Issue 11: an import queued with its upload returns a job id at once, runs on the in-process runner, can be
/// polled, cancelled by id and resumed, and survives the runner stopping mid-import: the next runner resumes
/// after the last committed batch and no row is written twice or lost.
/// </summary>
public sealed class QueuedImportTests : IDisposable
{
    private const string Tenant = "acme";
    private readonly InMemoryJobStore store = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), $"bulkdata-files-{Guid.NewGuid():N}");
    private readonly LocalFolderFileStore files;
    private readonly List<Product> committed = [];

    public QueuedImportTests()
    {
        files = new LocalFolderFileStore(new LocalFolderFileStoreOptions { Folder = folder });
    }

    private static MemoryStream Csv(int rows)
    {
        var csv = new StringBuilder("Sku,Product Name,Quantity\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append("S-").Append(i).Append(",item,1\n");
        }

        return new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
    }

    /// <summary>An application process: BulkData with the in-process runner, sharing the store, the files and the target's data.</summary>
    private async Task<(ServiceProvider Services, SlowTarget Target)> StartAsync(TimeSpan batchDelay = default, int? failOnBatch = null)
    {
        var target = new SlowTarget(committed, batchDelay, failOnBatch);
        var services = new ServiceCollection()
            .AddSingleton<IJobStore>(store)
            .AddSingleton<IFileStore>(files);
        services.AddBulkData(b => b.AddResource<Product>().UseInProcessRunner().AddImportTarget<Product>(_ => target));
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return (provider, target);
    }

    private static async Task StopAsync(ServiceProvider services)
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await services.DisposeAsync();
    }

    private async Task<Job> WaitAsync(Guid jobId, Func<Job, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var job = (await store.GetAsync(jobId))!;
            if (until(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} is still {job.Status} at row {job.Checkpoint}.");
            await Task.Delay(20);
        }
    }

    private static Task<Guid> EnqueueAsync(ServiceProvider services, int rows, int batchSize = 100) =>
        services.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<Product>()
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = batchSize; })
            .OwnedBy("ann", Tenant)
            .EnqueueAsync(Csv(rows), "products.csv");

    private void AssertEveryRowOnce(int rows)
    {
        lock (committed)
        {
            Assert.Equal(rows, committed.Count);
            Assert.Equal(rows, committed.Select(p => p.Sku).Distinct().Count());
        }
    }

    [Fact]
    public async Task EnqueueAsync_ReturnsAtOnce_AndTheRunnerCompletesTheJob()
    {
        var (services, _) = await StartAsync();

        var jobId = await EnqueueAsync(services, 2_500, batchSize: 500);
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2_500L, job.Counts.Created);
        AssertEveryRowOnce(2_500);
        var file = (await files.GetAsync(Guid.Parse(job.Parameters["file"])))!;
        Assert.Equal((job.Parameters["fileSha256"], "products.csv"), (file.Sha256, file.Name));
        Assert.Equal(["queued", "started", "completed"], (await store.GetHistoryAsync(jobId)).Select(e => e.Action));
        Assert.Equal(1, await store.ExpireAsync(DateTimeOffset.UtcNow.AddMinutes(1), "retention", files));
        Assert.Null(await files.GetAsync(file.Id));
        await StopAsync(services);
    }

    /// <summary>
    /// The runner's start-up scan finds a job that was queued a moment before (both hand it over): it must run
    /// once, not twice at the same time (found as a flaky HTTP test: the second run's rows collided).
    /// </summary>
    [Fact]
    public async Task EnqueueAsync_SameJobTwice_RunsItOnce()
    {
        var (services, _) = await StartAsync(batchDelay: TimeSpan.FromMilliseconds(20));

        var jobId = await EnqueueAsync(services, 1_000);
        await services.GetRequiredService<IJobRunner>().EnqueueAsync(jobId);
        var job = await WaitAsync(jobId, j => j.IsFinished);
        await Task.Delay(300);

        Assert.Equal((JobStatus.Completed, 1_000L), (job.Status, job.Counts.Created));
        AssertEveryRowOnce(1_000);
        Assert.Single(await store.GetHistoryAsync(jobId), e => e.Action == "started");
        await StopAsync(services);
    }

    [Fact]
    public async Task RunnerStoppedMidImport_TheNextRunnerResumesAfterTheCheckpoint()
    {
        var (first, _) = await StartAsync(batchDelay: TimeSpan.FromMilliseconds(40));
        var jobId = await EnqueueAsync(first, 1_000);
        await WaitAsync(jobId, j => j.Checkpoint >= 300);

        await StopAsync(first);
        var left = (await store.GetAsync(jobId))!;
        var (second, _) = await StartAsync();
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal(JobStatus.Processing, left.Status);
        Assert.InRange(left.Checkpoint, 300, 999);
        Assert.Equal(JobStatus.Completed, job.Status);
        AssertEveryRowOnce(1_000);
        Assert.Equal(1_000L, job.Counts.Created);
        await StopAsync(second);
    }

    [Fact]
    public async Task RequestCancelAsync_StopsAtTheNextBatch_KeepingTheCommittedOnes()
    {
        var (services, _) = await StartAsync(batchDelay: TimeSpan.FromMilliseconds(30));
        var jobId = await EnqueueAsync(services, 1_000);
        await WaitAsync(jobId, j => j.Checkpoint >= 200);

        await store.RequestCancelAsync(jobId, new JobScope(Tenant, "ann"));
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.Contains("committed before it stopped are kept", job.FailureReason, StringComparison.Ordinal);
        lock (committed)
        {
            Assert.InRange(committed.Count, 200, 999);
            Assert.Equal(0, committed.Count % 100);
            Assert.Equal(committed.Count, job.Counts.Created);
        }

        Assert.Contains(await store.GetHistoryAsync(jobId), e => e is { Action: "cancel requested", Actor: "ann" });
        await StopAsync(services);
    }

    [Fact]
    public async Task ResumeAsync_FailedPartialImport_CompletesWithEveryRowOnce()
    {
        var (services, _) = await StartAsync(failOnBatch: 3);
        var jobId = await EnqueueAsync(services, 1_000);
        var failed = await WaitAsync(jobId, j => j.IsFinished);

        var runner = services.GetRequiredService<IJobRunner>();
        await runner.ResumeAsync(store, jobId, new JobScope(Tenant));
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal((JobStatus.Failed, 200L), (failed.Status, failed.Checkpoint));
        Assert.Equal(JobStatus.Completed, job.Status);
        AssertEveryRowOnce(1_000);
        await StopAsync(services);
    }

    [Fact]
    public async Task EveryJobPath_FromAnotherTenant_FindsNothing()
    {
        var (services, _) = await StartAsync();
        var jobId = await EnqueueAsync(services, 10);
        await WaitAsync(jobId, j => j.IsFinished);
        var stranger = new JobScope("globex");

        Assert.Null(await store.GetAsync(jobId, stranger));
        Assert.Null(await store.GetAsync(jobId, new JobScope(Tenant, "mallory")));
        Assert.NotNull(await store.GetAsync(jobId, new JobScope(Tenant, "ann")));
        await Assert.ThrowsAsync<JobNotFoundException>(async () => await store.RequestCancelAsync(jobId, stranger));
        await Assert.ThrowsAsync<JobNotFoundException>(async () => await services.GetRequiredService<IJobRunner>().ResumeAsync(store, jobId, stranger));
        Assert.Empty(await store.QueryAsync(new JobQuery { Tenant = Tenant }, stranger).ToListAsync());
        Assert.Equal([jobId], await store.QueryAsync(new JobQuery(), new JobScope(Tenant)).Select(j => j.Id).ToListAsync());
        await Assert.ThrowsAsync<JobNotFoundException>(async () => await files.OpenJobFileAsync(store, jobId, stranger, "file"));
        await using (var upload = await files.OpenJobFileAsync(store, jobId, new JobScope(Tenant, "ann"), "file"))
        {
            Assert.True(upload.Length > 0);
        }

        await Assert.ThrowsAsync<JobNotFoundException>(async () => await store.DeleteAsync(jobId, stranger, files));
        Assert.NotNull(await store.GetAsync(jobId));
        var file = Guid.Parse((await store.GetAsync(jobId))!.Parameters["file"]);
        await store.DeleteAsync(jobId, new JobScope(Tenant), files);
        Assert.Null(await store.GetAsync(jobId));
        Assert.Null(await files.GetAsync(file));
        await StopAsync(services);
    }

    /// <summary>
    /// Issue 16: the core knows no format by name; an application adds one (here pipe-separated text under its
    /// own extension) and a queued upload in it runs like a built-in one.
    /// </summary>
    [Fact]
    public async Task AddImportFormat_QueuedUploadInTheNewFormat_IsReadByItsOwnReader()
    {
        var target = new SlowTarget(committed, TimeSpan.Zero, failOnBatch: null);
        var services = new ServiceCollection().AddSingleton<IJobStore>(store).AddSingleton<IFileStore>(files);
        services.AddBulkData(b => b.AddResource<Product>().UseInProcessRunner().AddImportTarget<Product>(_ => target)
            .AddImportFormat("psv", [".psv"], (file, job) => CsvSource.FromStream(file, job.FileName, new CsvSourceOptions { Delimiter = '|' })));
        var provider = services.BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var jobId = await provider.GetRequiredService<IBulkImporter>().For<Product>()
            .EnqueueAsync(new MemoryStream(Encoding.UTF8.GetBytes("Sku|Product Name|Quantity\nP-1|pipe, and comma|3\n")), "products.psv");
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal((JobStatus.Completed, "psv", 1L), (job.Status, job.Format, job.Counts.Created));
        Assert.Equal(("P-1", "pipe, and comma", 3), (committed[0].Sku, committed[0].Name, committed[0].Quantity));
        await StopAsync(provider);
    }

    [Fact]
    public async Task QueuedUploadInAFormatTheRunningProcessLacks_FailsSayingWhatToRegister()
    {
        var services = new ServiceCollection().AddSingleton<IJobStore>(store).AddSingleton<IFileStore>(files);
        services.AddBulkData(b => b.AddResource<Product>().UseInProcessRunner()
            .AddImportFormat("psv", [".psv"], (file, job) => CsvSource.FromStream(file, job.FileName, new CsvSourceOptions { Delimiter = '|' })));
        var queuing = services.BuildServiceProvider();
        var jobId = await queuing.GetRequiredService<IBulkImporter>().For<Product>()
            .EnqueueAsync(new MemoryStream("Sku|Product Name\nP-1|x\n"u8.ToArray()), "products.psv");

        // Another process, which never registered the format, takes the job up on start.
        var (running, _) = await StartAsync();
        var job = await WaitAsync(jobId, j => j.IsFinished);

        Assert.Equal((JobStatus.Failed, "This process cannot read 'psv' files. Register the format with AddImportFormat in every process that runs jobs."), (job.Status, job.FailureReason));
        Assert.Empty(committed);
        await StopAsync(running);
        await queuing.DisposeAsync();
    }

    [Fact]
    public async Task EnqueueAsync_UnknownExtension_NamesTheExtensionsItReads()
    {
        var (services, _) = await StartAsync();

        var error = await Assert.ThrowsAsync<BulkDataConfigurationException>(() =>
            services.GetRequiredService<IBulkImporter>().For<Product>().EnqueueAsync(Csv(1), "products.parquet"));

        Assert.Equal("BulkData cannot tell the format of 'products.parquet' from its extension '.parquet'. Upload a file ending in .csv, .json, .jsonl, .ndjson, .tsv, .txt, .xlsm, .xlsx.", error.Message);
        Assert.Empty(store.QueryAsync(new JobQuery()).ToBlockingEnumerable());
        await StopAsync(services);
    }

    [Fact]
    public async Task EnqueueAsync_WithoutARunner_SaysWhatToAdd()
    {
        using var host = new TestHost(b => b.AddResource<Product>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Importer.For<Product>().EnqueueAsync(Csv(1), "products.csv"));

        Assert.Contains("UseInProcessRunner", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A target that commits batch by batch into a shared list, slowly if asked, and fails once on batch k if asked.</summary>
    private sealed class SlowTarget(List<Product> committed, TimeSpan delay, int? failOnBatch) : IImportTarget<Product>
    {
        private int batches;

        public ValueTask<IImportTransaction<Product>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult<IImportTransaction<Product>>(new Transaction(this));

        private async ValueTask WriteAsync(List<Product> pending, ImportBatch<Product> batch, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref batches) == failOnBatch)
            {
                throw new InvalidOperationException("injected failure");
            }

            await Task.Delay(delay, cancellationToken);
            pending.AddRange(batch.Items);
        }

        private void Commit(List<Product> pending)
        {
            lock (committed)
            {
                committed.AddRange(pending);
            }
        }

        private sealed class Transaction(SlowTarget target) : IImportTransaction<Product>
        {
            private readonly List<Product> pending = [];

            public ValueTask WriteAsync(ImportBatch<Product> batch, CancellationToken cancellationToken = default) => target.WriteAsync(pending, batch, cancellationToken);

            public ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default)
            {
                target.Commit(pending);
                return ValueTask.CompletedTask;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
