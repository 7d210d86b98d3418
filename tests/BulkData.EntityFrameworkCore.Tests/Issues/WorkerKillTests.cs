using System.Diagnostics;
using System.Text;
using BulkData.DependencyInjection;
using BulkData.Jobs;
using BulkData.Worker;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 11: a worker process running a queued partial import is killed (SIGKILL) mid-import; a new worker
/// takes the job up on start and resumes after the last committed batch: every row once, none lost.
/// </summary>
public sealed class WorkerKillTests : IAsyncLifetime
{
    // Enough rows that a worker writing set-based (tens of thousands of rows a second) is still importing when the
    // test kills it or asks it to cancel.
    private const int Rows = 100_000;
    private readonly string database = Path.Combine(Path.GetTempPath(), $"bulkdata-worker-{Guid.NewGuid():N}.db");
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        // The web application's side: it stores the upload and queues the job; the workers run it.
        services = new ServiceCollection()
            .AddDbContextFactory<WorkerContext>(o => o.UseSqlite($"Data Source={database};Pooling=False"))
            .AddBulkData(b => b
                .AddResource<WorkerItem>(r => r.Key(i => i.Sku).Ignore(i => i.Id))
                .UseEntityFrameworkJobStore<WorkerContext>()
                .UseEntityFrameworkFileStore<WorkerContext>()
                .UseInProcessRunner())
            .Services
            .BuildServiceProvider();
        await using var context = await services.GetRequiredService<IDbContextFactory<WorkerContext>>().CreateDbContextAsync();
        await context.Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        await services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(database);
    }

    [Fact]
    public async Task WorkerKilledMidImport_TheNextWorkerResumesWithEveryRowOnce()
    {
        var jobId = await EnqueueAsync("W-");
        var jobs = services.GetRequiredService<IJobStore>();

        using (var first = StartWorker())
        {
            await WaitAsync(jobs, jobId, j => j.Checkpoint >= 2_000 || j.IsFinished);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }

        var killed = (await jobs.GetAsync(jobId))!;
        var taken = Stopwatch.StartNew();
        using var second = StartWorker();
        var job = await WaitAsync(jobs, jobId, j => j.IsFinished);
        second.Kill(entireProcessTree: true);

        Assert.Equal(JobStatus.Processing, killed.Status);
        Assert.InRange(killed.Checkpoint, 2_000, Rows - 1);
        Assert.Equal(JobStatus.Completed, job.Status);
        await using var context = await services.GetRequiredService<IDbContextFactory<WorkerContext>>().CreateDbContextAsync();
        var skus = await context.Items.Select(i => i.Sku).ToListAsync();
        Assert.Equal(Rows, skus.Count);
        Assert.Equal(Rows, skus.Distinct().Count());
        Console.WriteLine($"Resumed after row {killed.Checkpoint}; the new worker finished in {taken.Elapsed.TotalSeconds:0.0} s.");
    }

    [Fact]
    public async Task CancelRequestedFromAnotherProcess_TheWorkerStopsAtABatchBoundaryAndKeepsWhatItCommitted()
    {
        var jobId = await EnqueueAsync("C-", "ann", "acme");
        var jobs = services.GetRequiredService<IJobStore>();

        using var worker = StartWorker();
        await WaitAsync(jobs, jobId, j => j.Checkpoint >= 1_000 || j.IsFinished);
        await Assert.ThrowsAsync<JobNotFoundException>(async () => await jobs.RequestCancelAsync(jobId, new JobScope("globex")));
        await jobs.RequestCancelAsync(jobId, new JobScope("acme", "ann"));
        var job = await WaitAsync(jobs, jobId, j => j.IsFinished);
        worker.Kill(entireProcessTree: true);

        await using var context = await services.GetRequiredService<IDbContextFactory<WorkerContext>>().CreateDbContextAsync();
        var stored = await context.Items.CountAsync();
        Assert.Equal(JobStatus.Cancelled, job.Status);
        Assert.InRange(job.Counts.Created, 1_000, Rows - 1);
        Assert.Equal(job.Counts.Created, stored);
        Assert.Equal(job.Checkpoint, stored);
        Assert.Contains("kept", job.FailureReason, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Queues a partial import of <see cref="Rows"/> items whose SKUs start with <paramref name="prefix"/>.</summary>
    private async Task<Guid> EnqueueAsync(string prefix, string? owner = null, string? tenant = null)
    {
        var csv = new StringBuilder("Sku,Quantity\n");
        for (var i = 1; i <= Rows; i++)
        {
            csv.Append(prefix).Append(i).Append(",1\n");
        }

        return await services.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<WorkerItem>()
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 200; })
            .OwnedBy(owner, tenant)
            .EnqueueAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), "items.csv");
    }

    private Process StartWorker()
    {
        var worker = Path.Combine(AppContext.BaseDirectory, "BulkData.Worker.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", $"\"{worker}\" \"{database}\"") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<Job> WaitAsync(IJobStore jobs, Guid jobId, Func<Job, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var job = (await jobs.GetAsync(jobId))!;
            if (until(job))
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Job {jobId} is still {job.Status} at row {job.Checkpoint}.");
            await Task.Delay(25);
        }
    }
}
