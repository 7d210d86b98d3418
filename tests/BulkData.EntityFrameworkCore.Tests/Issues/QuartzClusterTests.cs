using System.Diagnostics;
using System.Text;
using BulkData.DependencyInjection;
using BulkData.Jobs;
using BulkData.Quartz;
using BulkData.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 11: three worker processes form a Quartz cluster on one PostgreSQL database and share 30 queued
/// imports; one is killed (SIGKILL) mid-batch, the others take its jobs over and resume them: every job
/// completes once, every row is there once with its value.
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class QuartzClusterTests(PostgresServer postgres) : IAsyncLifetime
{
    private const int Jobs = 30;
    private const int Rows = 20_000;
    private readonly List<Worker> workers = [];
    private string connectionString = "";
    private ServiceProvider services = null!;

    public async Task InitializeAsync()
    {
        connectionString = await postgres.CreateDatabaseAsync();

        // The web application's side: it stores uploads and queues jobs; it runs none (RunsJobs = false).
        services = new ServiceCollection()
            .AddDbContextFactory<WorkerContext>(o => o.UseNpgsql(connectionString))
            .AddBulkData(b => b
                .AddResource<WorkerItem>(r => r.Key(i => i.Sku).Ignore(i => i.Id))
                .UseEntityFrameworkJobStore<WorkerContext>()
                .UseEntityFrameworkFileStore<WorkerContext>()
                .UseQuartzRunner(o => { o.ConnectionString = connectionString; o.RunsJobs = false; }))
            .Services
            .BuildServiceProvider();
        await using var context = await services.GetRequiredService<IDbContextFactory<WorkerContext>>().CreateDbContextAsync();
        await context.Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var worker in workers)
        {
            worker.Dispose();
        }

        await services.DisposeAsync();
    }

    [Fact]
    public async Task NodeKilledMidBatch_ItsJobsAreTakenOver_EveryJobCompletesOnceWithExactContent()
    {
        // The first node creates Quartz's tables; the others join once they exist.
        workers.Add(await Worker.StartAsync(connectionString));
        workers.Add(await Worker.StartAsync(connectionString));
        workers.Add(await Worker.StartAsync(connectionString));

        var importer = services.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<WorkerItem>()
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 1_000; });
        var expected = new Dictionary<string, int>();
        var jobIds = new List<Guid>();
        for (var job = 0; job < Jobs; job++)
        {
            var csv = new StringBuilder("Sku,Quantity\n");
            for (var row = 0; row < Rows; row++)
            {
                var sku = $"J{job:00}-{row:00000}";
                expected[sku] = (job * 31 + row) % 997;
                csv.Append(sku).Append(',').Append(expected[sku]).Append('\n');
            }

            jobIds.Add(await importer.EnqueueAsync(new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString())), $"items-{job}.csv"));
        }

        var store = services.GetRequiredService<IJobStore>();
        var victim = workers[0];
        var held = await WaitForJobsHeldByAsync(victim.InstanceId, store);
        var before = new Dictionary<Guid, long>();
        foreach (var id in held)
        {
            before[id] = (await store.GetAsync(id))!.Checkpoint;
        }

        victim.Kill();
        var killedAt = Stopwatch.StartNew();
        var takenOver = await WaitAsync(async () =>
        {
            foreach (var id in held)
            {
                var job = (await store.GetAsync(id))!;
                if (!job.IsFinished && job.Checkpoint == before[id])
                {
                    return false;
                }
            }

            return true;
        });
        var takeover = killedAt.Elapsed;
        await WaitAsync(async () =>
        {
            foreach (var id in jobIds)
            {
                if (!(await store.GetAsync(id))!.IsFinished)
                {
                    return false;
                }
            }

            return true;
        });

        foreach (var id in jobIds)
        {
            var job = (await store.GetAsync(id))!;
            Assert.True(job.Status == JobStatus.Completed, $"Job {id} ended {job.Status}: {job.FailureReason}");
            Assert.Equal(Rows, job.Counts.Created);
            var history = await store.GetHistoryAsync(id);
            Assert.Single(history, e => e.Status == JobStatus.Completed);
        }

        await using var context = await services.GetRequiredService<IDbContextFactory<WorkerContext>>().CreateDbContextAsync();
        var stored = await context.Items.AsNoTracking().Select(i => new { i.Sku, i.Quantity }).ToListAsync();
        Assert.Equal(expected.Count, stored.Count);
        Assert.All(stored, item => Assert.Equal(expected[item.Sku], item.Quantity));
        Assert.True(takenOver);
        Console.WriteLine($"Killed a node holding {held.Count} jobs; the cluster took them over in {takeover.TotalSeconds:0.0} s; {Jobs} x {Rows:N0} rows in all.");
    }

    [Fact]
    public async Task ScheduledExport_ThreeNodesTick_EachTickRunsOnceOnTheCluster()
    {
        var ticking = Stopwatch.StartNew();
        for (var node = 0; node < 3; node++)
        {
            workers.Add(await Worker.StartAsync(connectionString, "--schedule", "*/1 * * * * *"));
        }

        await Task.Delay(TimeSpan.FromSeconds(6));
        foreach (var worker in workers)
        {
            worker.Kill();
        }

        var seconds = (int)Math.Ceiling(ticking.Elapsed.TotalSeconds);
        var store = services.GetRequiredService<IJobStore>();
        var runs = await store.QueryAsync(new JobQuery { Kind = JobKind.Export, Take = 1_000 }).ToListAsync();
        var ticks = runs.Select(r => DateTimeOffset.Parse(r.Parameters["dueAt"], System.Globalization.CultureInfo.InvariantCulture)).Order().ToList();

        Assert.InRange(runs.Count, 5, seconds);
        Assert.Equal(ticks.Count, ticks.Distinct().Count());
        Assert.All(ticks.Zip(ticks.Skip(1)), pair => Assert.Equal(TimeSpan.FromSeconds(1), pair.Second - pair.First));
        Assert.All(runs.Where(r => r.IsFinished), r => Assert.True(r.Status == JobStatus.Completed && r.Parameters.ContainsKey("output"), $"{r.Status}: {r.FailureReason}"));
        Console.WriteLine($"3 nodes ticking every second for {seconds} s queued {runs.Count} runs, one per tick.");
    }

    /// <summary>The jobs a node is running, from Quartz's fired triggers, once it runs some with rows committed.</summary>
    private async Task<List<Guid>> WaitForJobsHeldByAsync(string instanceId, IJobStore store)
    {
        var held = new List<Guid>();
        await WaitAsync(async () =>
        {
            held.Clear();
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT job_name FROM qrtz_fired_triggers WHERE instance_name = @instance AND state = 'EXECUTING'", connection);
            command.Parameters.AddWithValue("instance", instanceId);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    held.Add(Guid.Parse(reader.GetString(0)));
                }
            }

            foreach (var id in held)
            {
                if ((await store.GetAsync(id))!.Checkpoint >= 2_000)
                {
                    return true;
                }
            }

            return false;
        });
        return held;
    }

    private static async Task<bool> WaitAsync(Func<Task<bool>> until)
    {
        var deadline = DateTime.UtcNow.AddMinutes(8);
        while (!await until())
        {
            Assert.True(DateTime.UtcNow < deadline, "The cluster did not get there in 8 minutes.");
            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>A worker process, a node of the cluster.</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process process;

        private Worker(Process process, string instanceId)
        {
            this.process = process;
            InstanceId = instanceId;
        }

        public string InstanceId { get; }

        public static async Task<Worker> StartAsync(string connectionString, params string[] more)
        {
            var worker = Path.Combine(AppContext.BaseDirectory, "BulkData.Worker.dll");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])[worker, "--quartz", connectionString, .. more])
            {
                start.ArgumentList.Add(argument);
            }

            var process = Process.Start(start)!;
            var errors = new StringBuilder();
            process.ErrorDataReceived += (_, e) => errors.AppendLine(e.Data);
            process.BeginErrorReadLine();
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    // Keep draining its output so the worker never blocks on a full pipe.
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new Worker(process, line[6..]);
                }
            }

            throw new InvalidOperationException($"The worker exited before it was ready: {errors}");
        }

        public void Kill()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            process.Dispose();
        }
    }
}
