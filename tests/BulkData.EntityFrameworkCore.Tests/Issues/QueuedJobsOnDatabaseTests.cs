using System.Security.Cryptography;
using System.Text;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 11 on real databases: files kept in the database in chunks, and a queued import whose job, file and
/// rows all live in one SQLite or PostgreSQL database, run by the in-process runner and polled to completion.
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class QueuedJobsOnDatabaseTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EntityFrameworkFileStore_KeepsAFileInChunksAndGivesItBackExactly(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new EntityFrameworkFileStore<ShopContext>(database.Factory, TimeProvider.System);
        var content = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 12_345);

        var stored = await store.SaveAsync(new MemoryStream(content), "upload.bin");
        using var read = new MemoryStream();
        await using (var opened = await store.OpenAsync(stored.Id))
        {
            await opened.CopyToAsync(read);
        }

        Assert.Equal((content.LongLength, Convert.ToHexStringLower(SHA256.HashData(content))), (stored.Length, stored.Sha256));
        Assert.Equal(content, read.ToArray());
        Assert.Equal(stored, await store.GetAsync(stored.Id));
        Assert.True(await store.DeleteAsync(stored.Id));
        Assert.Null(await store.GetAsync(stored.Id));
        await Assert.ThrowsAsync<StoredFileNotFoundException>(async () => await store.OpenAsync(stored.Id));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EntityFrameworkMappingStore_RemembersAMappingPerTenantResourceAndHeaders(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new BulkData.EntityFrameworkCore.Mapping.EntityFrameworkMappingStore<ShopContext>(database.Factory, TimeProvider.System);

        await store.SaveAsync("acme", "Item", ["Skew", "Nam"], new Dictionary<string, string> { ["Skew"] = "Sku", ["Nam"] = "Name" });
        await store.SaveAsync("acme", "Item", ["Skew", "Nam"], new Dictionary<string, string> { ["Skew"] = "Sku" });

        Assert.Equal(new Dictionary<string, string> { ["Skew"] = "Sku" }, await store.GetAsync("acme", "Item", [" skew ", "NAM"]));
        Assert.Null(await store.GetAsync("globex", "Item", ["Skew", "Nam"]));
        Assert.Null(await store.GetAsync("acme", "Item", ["Nam", "Skew"]));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task EnqueueAsync_OnTheDatabase_IsRunAndPolledToCompletion(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await using var app = Application(database);
        foreach (var hosted in app.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 1; i <= 1_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Q-{i},queued,{i}.5,{i}\n");
        }

        var jobId = await app.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<Item>()
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 250; })
            .OwnedBy("ann", "acme")
            .EnqueueAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "items.csv");
        var jobs = app.GetRequiredService<IJobStore>();
        Job job;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!(job = (await jobs.GetAsync(jobId, new JobScope("acme")))!).IsFinished)
        {
            Assert.True(DateTime.UtcNow < deadline, $"still {job.Status}");
            await Task.Delay(50);
        }

        Assert.Equal((JobStatus.Completed, 1_000L, 1_000L), (job.Status, job.Counts.Created, job.Checkpoint));
        Assert.Equal(1_000, (await database.ItemsAsync()).Count(i => i.Name == "queued"));
        Assert.NotNull(await app.GetRequiredService<IFileStore>().GetAsync(Guid.Parse(job.Parameters["file"])));
        foreach (var hosted in app.GetServices<IHostedService>())
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// The process stops right after a batch commits, before the job's progress is saved: the checkpoint and the
    /// counts it goes with were committed together, so the resumed job counts every row once.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task StoppedRightAfterACommit_TheResumedJobCountsEveryRowOnce(string provider)
    {
        using var stop = new CancellationTokenSource();
        var checkpointWritten = false;
        await using var database = await Database.CreateAsync(
            provider,
            postgres,
            new CheckpointWatch(() => checkpointWritten = true),
            new CommitWatch(() =>
            {
                if (checkpointWritten)
                {
                    stop.Cancel();
                }
            }));
        await using var app = Application(database);
        var jobId = await EnqueueThousandItemsAsync(app);
        var executor = app.GetRequiredService<IQueuedJobExecutor>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => executor.RunAsync(jobId, stop.Token));
        var stopped = (await app.GetRequiredService<IJobStore>().GetAsync(jobId))!;
        await executor.RunAsync(jobId);
        var job = (await app.GetRequiredService<IJobStore>().GetAsync(jobId))!;

        Assert.Equal((JobStatus.Processing, 250L, 250L, 250L), (stopped.Status, stopped.Checkpoint, stopped.Counts.Read, stopped.Counts.Created));
        Assert.Equal((JobStatus.Completed, 1_000L, 1_000L), (job.Status, job.Counts.Read, job.Counts.Created));
        Assert.Equal(1_000, (await database.ItemsAsync()).Count);
    }

    // Issue 22: a crash after the batch's statements ran and its checkpoint was written, before the commit, leaves the
    // database as the last committed batch left it; resumed, the import writes every row once.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task CrashAfterTheStatementsBeforeTheCommit_TheResumedJobWritesEveryRowOnce(string provider)
    {
        var checkpoints = 0;
        await using var database = await Database.CreateAsync(provider, postgres, new CheckpointWatch(() => checkpoints++), new CommitFault(() => checkpoints == 3));
        await using var app = Application(database);
        var jobId = await EnqueueThousandItemsAsync(app);
        var executor = app.GetRequiredService<IQueuedJobExecutor>();
        var jobs = app.GetRequiredService<IJobStore>();

        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.RunAsync(jobId));
        var crashed = (await jobs.GetAsync(jobId))!;
        Assert.Equal((JobStatus.Failed, 500L, 500L), (crashed.Status, crashed.Checkpoint, crashed.Counts.Created));
        Assert.Equal(500, (await database.ItemsAsync()).Count);

        checkpoints = int.MinValue;
        await app.GetRequiredService<IJobRunner>().ResumeAsync(jobs, jobId, new JobScope(null));
        await executor.RunAsync(jobId);
        var job = (await jobs.GetAsync(jobId))!;
        var skus = (await database.ItemsAsync()).Select(i => i.Sku).ToList();

        Assert.Equal((JobStatus.Completed, 1_000L), (job.Status, job.Counts.Created));
        Assert.Equal(1_000, skus.Count);
        Assert.Equal(1_000, skus.Distinct().Count());
    }

    /// <summary>Queues a partial import of 1,000 items (S-1 to S-1000) in batches of 250.</summary>
    private static async Task<Guid> EnqueueThousandItemsAsync(ServiceProvider app)
    {
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 1; i <= 1_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"S-{i},n,1,1\n");
        }

        return await app.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<Item>()
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 250; })
            .EnqueueAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "items.csv");
    }

    /// <summary>An application whose jobs, files and items all live in the test database, with the in-process runner (not started).</summary>
    private static ServiceProvider Application(Database database)
    {
        var services = new ServiceCollection().AddSingleton(database.Factory);
        services.AddBulkData(b => b
            .AddResource<Item>(r => r.Key(i => i.Sku).Ignore(i => i.Id))
            .UseEntityFrameworkJobStore<ShopContext>()
            .UseEntityFrameworkFileStore<ShopContext>()
            .UseInProcessRunner()
            .AddImportTarget<Item>(p => new EntityFrameworkImportTarget<ShopContext, Item>(p.GetRequiredService<IDbContextFactory<ShopContext>>(), new() { MergeStrategy = MergeStrategy.Upsert })));
        return services.BuildServiceProvider();
    }

    /// <summary>Sees the import target write the job's checkpoint.</summary>
    private sealed class CheckpointWatch(Action written) : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> NonQueryExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            // The batch's checkpoint, in the batch's transaction (the job store saves the job row outside one).
            if (command.Transaction is not null && command.CommandText.StartsWith("UPDATE", StringComparison.Ordinal) && command.CommandText.Contains("Checkpoint", StringComparison.Ordinal))
            {
                written();
            }

            return ValueTask.FromResult(result);
        }
    }

    /// <summary>Fails a commit, as a dropped connection would, when <paramref name="fail"/> says so.</summary>
    private sealed class CommitFault(Func<bool> fail) : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
    {
        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult> TransactionCommittingAsync(
            System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult result, CancellationToken cancellationToken = default) =>
            fail() ? throw new InvalidOperationException("injected failure before the commit") : ValueTask.FromResult(result);
    }

    /// <summary>Stops the process (cancels its token) as soon as a transaction commits.</summary>
    private sealed class CommitWatch(Action committed) : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
    {
        public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            committed();
            return Task.CompletedTask;
        }
    }
}

/// <summary>Issue 11: pollers see an all-or-nothing import's progress while it runs, where the database allows it.</summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class ProgressDuringTransactionTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("postgres", true)]
    [InlineData("sqlite", false)]
    public async Task AllOrNothingImport_SavesProgressEveryBatch_UnlessTheTargetLocksTheStore(string provider, bool visible)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database);
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 1; i <= 20_000; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"P-{i},n,1,1\n");
        }

        var seen = new List<long>();
        using var done = new CancellationTokenSource();
        var poller = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                await foreach (var job in host.Jobs.QueryAsync(new JobQuery { Status = JobStatus.Processing }))
                {
                    seen.Add(job.Progress.RowsProcessed);
                }

                await Task.Delay(5);
            }
        });

        var result = await host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString())).WithOptions(o => o.BatchSize = 500).IntoAsync(host.Target(MergeStrategy.Upsert));
        await done.CancelAsync();
        await poller;

        Assert.Equal(JobStatus.Completed, result.Status);
        Assert.Equal(visible, seen.Any(rows => rows is > 0 and < 20_000));
    }
}
