using BulkData.Jobs;

namespace BulkData.Core.Tests.Jobs;

public sealed class InMemoryJobStoreTests
{
    private static Job NewJob(string owner, string tenant, JobStatus status, JobKind kind, int minutes) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Resource = "Product",
        Owner = owner,
        Tenant = tenant,
        Status = status,
        CreatedAt = new DateTimeOffset(2026, 11, 1, 0, minutes, 0, TimeSpan.Zero),
    };

    [Fact]
    public async Task QueryAsync_FiltersByOwnerTenantStatusKindAndTime_NewestFirst()
    {
        var store = new InMemoryJobStore();
        Job[] jobs =
        [
            NewJob("ann", "acme", JobStatus.Completed, JobKind.Import, 1),
            NewJob("ann", "acme", JobStatus.Failed, JobKind.Import, 2),
            NewJob("bob", "acme", JobStatus.Completed, JobKind.Import, 3),
            NewJob("ann", "globex", JobStatus.Completed, JobKind.DryRun, 4),
            NewJob("ann", "acme", JobStatus.Completed, JobKind.Import, 5),
        ];
        foreach (var job in jobs)
        {
            await store.CreateAsync(job);
        }

        var found = await store.QueryAsync(new JobQuery { Owner = "ann", Tenant = "acme", Status = JobStatus.Completed, Kind = JobKind.Import }).ToListAsync();
        var window = await store.QueryAsync(new JobQuery { CreatedFrom = jobs[1].CreatedAt, CreatedBefore = jobs[4].CreatedAt }).ToListAsync();
        var page = await store.QueryAsync(new JobQuery { Skip = 1, Take = 2 }).ToListAsync();

        Assert.Equal([jobs[4].Id, jobs[0].Id], found.Select(j => j.Id));
        Assert.Equal([jobs[3].Id, jobs[2].Id, jobs[1].Id], window.Select(j => j.Id));
        Assert.Equal([jobs[3].Id, jobs[2].Id], page.Select(j => j.Id));
    }

    [Fact]
    public async Task ParallelUpdatesAndEvents_AreAllKept()
    {
        var store = new InMemoryJobStore();
        var job = NewJob("ann", "acme", JobStatus.Processing, JobKind.Import, 0);
        await store.CreateAsync(job);

        await Parallel.ForAsync(0, 1_000, async (i, ct) => await store.AppendEventAsync(job.Id, new JobEvent(DateTimeOffset.UnixEpoch, $"e{i}", JobStatus.Processing), ct));

        Assert.Equal(1_000, (await store.GetHistoryAsync(job.Id)).Select(e => e.Action).Distinct().Count());
    }

    [Fact]
    public async Task UpdateAsync_FromAStaleVersion_IsRefused()
    {
        var store = new InMemoryJobStore();
        var created = await store.CreateAsync(NewJob("ann", "acme", JobStatus.Pending, JobKind.Import, 0));
        var updated = await store.UpdateAsync(created with { Status = JobStatus.Processing });

        await Assert.ThrowsAsync<JobConcurrencyException>(() => store.UpdateAsync(created with { Status = JobStatus.Failed }).AsTask());

        Assert.Equal((1L, 2L), (created.Version, updated.Version));
        Assert.Equal(JobStatus.Processing, (await store.GetAsync(created.Id))!.Status);
    }

    [Fact]
    public async Task UpdateAsyncWithChange_ParallelWriters_LoseNoUpdate()
    {
        var store = new InMemoryJobStore();
        var job = await store.CreateAsync(NewJob("ann", "acme", JobStatus.Processing, JobKind.Import, 0));

        await Parallel.ForAsync(0, 800, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            await store.UpdateAsync(job.Id, j => j with { Progress = j.Progress with { RowsProcessed = j.Progress.RowsProcessed + 1 } }, ct));

        Assert.Equal(800, (await store.GetAsync(job.Id))!.Progress.RowsProcessed);
    }

    [Fact]
    public async Task DeleteAsync_OfAnUnfinishedJob_IsRefusedAndKeepsIt()
    {
        var store = new InMemoryJobStore();
        var running = await store.CreateAsync(NewJob("ann", "acme", JobStatus.Processing, JobKind.Import, 0));

        var refused = await Assert.ThrowsAsync<JobNotFinishedException>(() => store.DeleteAsync(running.Id).AsTask());

        Assert.Equal(JobStatus.Processing, refused.Status);
        Assert.Equal(running, await store.GetAsync(running.Id));
        Assert.True(await store.DeleteAsync((await store.UpdateAsync(running with { Status = JobStatus.Failed })).Id));
        Assert.Null(await store.GetAsync(running.Id));
    }

    [Fact]
    public async Task UpdateAndAppend_OnUnknownJob_Throw()
    {
        var store = new InMemoryJobStore();
        var job = NewJob("ann", "acme", JobStatus.Pending, JobKind.Import, 0);

        Assert.Equal(job.Id, (await Assert.ThrowsAsync<JobNotFoundException>(() => store.UpdateAsync(job).AsTask())).JobId);
        await Assert.ThrowsAsync<JobNotFoundException>(() => store.AppendEventAsync(job.Id, new JobEvent(DateTimeOffset.UnixEpoch, "x", JobStatus.Pending)).AsTask());
        Assert.False(await store.DeleteAsync(job.Id));
    }

    [Fact]
    public async Task Import_RecordsOwnerTenantParametersTimestampsAndHistory()
    {
        using var host = new TestHost();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText("Sku,Product Name\nA-1,W\n", "upload.csv"))
            .OwnedBy("ann", "acme")
            .WithParameter("source", "web upload")
            .IntoAsync(new List<Product>());

        var job = (await host.Jobs.GetAsync(result.JobId))!;
        Assert.Equal((JobKind.Import, "Product", "csv", "upload.csv", "ann", "acme", JobStatus.Completed), (job.Kind, job.Resource, job.Format, job.FileName, job.Owner, job.Tenant, job.Status));
        Assert.Equal("web upload", job.Parameters["source"]);
        Assert.Equal("AllOrNothing", job.Parameters["commitMode"]);
        Assert.True(job.CreatedAt <= job.StartedAt && job.StartedAt <= job.CompletedAt);
        Assert.Equal(new JobProgress(1, 1, "done"), job.Progress);
        var history = await host.Jobs.GetHistoryAsync(job.Id);
        Assert.Equal([("created", JobStatus.Pending), ("started", JobStatus.Processing), ("completed", JobStatus.Completed)], history.Select(e => (e.Action, e.Status)));
        Assert.All(history, e => Assert.Equal("ann", e.Actor));
        Assert.Equal(3, await host.Jobs.QueryHistoryAsync(new JobHistoryQuery { Actor = "ann" }).CountAsync());
        Assert.True(await host.Jobs.DeleteAsync(job.Id, "admin"));
        Assert.Null(await host.Jobs.GetAsync(job.Id));
        var audit = Assert.Single(await host.Jobs.QueryHistoryAsync(new JobHistoryQuery { JobId = job.Id }).ToListAsync());
        Assert.Equal(("deleted", "admin"), (audit.Event.Action, audit.Event.Actor));
    }
}
