using BulkData.EntityFrameworkCore.Jobs;
using BulkData.Jobs;
using BulkData.Validation;

namespace BulkData.EntityFrameworkCore.Tests;

[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class JobStoreTests(PostgresServer postgres)
{
    private static Job NewJob(string owner, string tenant, JobStatus status, JobKind kind, int minutes) => new()
    {
        Id = Guid.NewGuid(),
        Kind = kind,
        Resource = "Item",
        Owner = owner,
        Tenant = tenant,
        Status = status,
        CreatedAt = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(minutes),
        Errors = [new RowError(RowErrorKind.Conversion, "'x' is not a number.", 3, 4, "Price", "x")],
        Parameters = new Dictionary<string, string> { ["commitMode"] = "Partial" },
    };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Store_RoundTripsJobsHistoryAndQueries(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        Job[] jobs = [NewJob("ann", "acme", JobStatus.Completed, JobKind.Import, 1), NewJob("bob", "acme", JobStatus.Failed, JobKind.Export, 2), NewJob("ann", "globex", JobStatus.Completed, JobKind.Import, 3)];
        foreach (var job in jobs)
        {
            await store.CreateAsync(job);
        }

        await store.AppendEventAsync(jobs[0].Id, new JobEvent(jobs[0].CreatedAt, "created", JobStatus.Pending, "ann", "d"));
        await store.AppendEventAsync(jobs[0].Id, new JobEvent(jobs[0].CreatedAt.AddSeconds(1), "completed", JobStatus.Completed, "ann"));

        var read = (await store.GetAsync(jobs[0].Id))!;
        Assert.Equal(jobs[0] with { Version = 1 }, read with { Errors = jobs[0].Errors, Parameters = jobs[0].Parameters, Warnings = jobs[0].Warnings });
        Assert.Equal(jobs[0].Errors, read.Errors);
        Assert.Equal("Partial", read.Parameters["commitMode"]);
        Assert.Equal(["created", "completed"], (await store.GetHistoryAsync(jobs[0].Id)).Select(e => e.Action));
        Assert.Equal([jobs[2].Id, jobs[0].Id], await store.QueryAsync(new JobQuery { Owner = "ann" }).Select(j => j.Id).ToListAsync());
        Assert.Equal([jobs[1].Id], await store.QueryAsync(new JobQuery { Tenant = "acme", Status = JobStatus.Failed, Kind = JobKind.Export }).Select(j => j.Id).ToListAsync());
        Assert.Equal([jobs[1].Id], await store.QueryAsync(new JobQuery { CreatedFrom = jobs[1].CreatedAt, CreatedBefore = jobs[2].CreatedAt }).Select(j => j.Id).ToListAsync());
        Assert.Equal([jobs[1].Id], await store.QueryAsync(new JobQuery { Skip = 1, Take = 1 }).Select(j => j.Id).ToListAsync());

        Assert.Equal(["completed", "created"], await store.QueryHistoryAsync(new JobHistoryQuery { Actor = "ann" }).Select(e => e.Event.Action).ToListAsync());
        Assert.Equal(2, await store.ExpireAsync(jobs[2].CreatedAt, actor: "retention"));
        Assert.Null(await store.GetAsync(jobs[0].Id));
        Assert.Equal(["deleted"], (await store.GetHistoryAsync(jobs[0].Id)).Select(e => e.Action));
        Assert.NotNull(await store.GetAsync(jobs[2].Id));
        Assert.Equal(2, await store.QueryHistoryAsync(new JobHistoryQuery { Actor = "retention" }).CountAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UpdateAsync_FromAStaleVersion_IsRefused(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        var created = await store.CreateAsync(NewJob("ann", "acme", JobStatus.Pending, JobKind.Import, 0));
        await store.UpdateAsync(created with { Status = JobStatus.Processing });

        await Assert.ThrowsAsync<JobConcurrencyException>(() => store.UpdateAsync(created with { Status = JobStatus.Failed }).AsTask());

        Assert.Equal((JobStatus.Processing, 2L), ((await store.GetAsync(created.Id))!.Status, (await store.GetAsync(created.Id))!.Version));
    }

    /// <summary>A job that may still write rows keeps its record; a delete that races a commit deletes only what it read finished.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DeleteAsync_OfAnUnfinishedJob_IsRefusedAndDeletesNothing(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        var queued = await store.CreateAsync(NewJob("ann", "acme", JobStatus.Queued, JobKind.Import, 0));
        await store.AppendEventAsync(queued.Id, new JobEvent(queued.CreatedAt, "created", JobStatus.Queued, "ann"));

        var refused = await Assert.ThrowsAsync<JobNotFinishedException>(() => store.DeleteAsync(queued.Id, "ann").AsTask());

        Assert.Equal((queued.Id, JobStatus.Queued), (refused.JobId!.Value, refused.Status));
        var kept = (await store.GetAsync(queued.Id))!;
        Assert.Equal((JobStatus.Queued, queued.Version), (kept.Status, kept.Version));
        Assert.Equal(["created"], (await store.GetHistoryAsync(queued.Id)).Select(e => e.Action));
        var finished = await store.UpdateAsync(queued with { Status = JobStatus.Completed });
        Assert.True(await store.DeleteAsync(finished.Id, "ann"));
        Assert.Equal(["deleted"], (await store.GetHistoryAsync(queued.Id)).Select(e => e.Action));
    }

    /// <summary>Updates and history entries are written without reading the job first: a job that is not there is still named.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UpdateAndAppend_OfAJobThatIsNotThere_AreRefusedAndWriteNothing(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        var missing = NewJob("ann", "acme", JobStatus.Pending, JobKind.Import, 0) with { Version = 1 };

        await Assert.ThrowsAsync<JobNotFoundException>(() => store.UpdateAsync(missing).AsTask());
        await Assert.ThrowsAsync<JobNotFoundException>(() => store.AppendEventAsync(missing.Id, new JobEvent(missing.CreatedAt, "started", JobStatus.Processing, "ann")).AsTask());

        Assert.Null(await store.GetAsync(missing.Id));
        Assert.Empty(await store.GetHistoryAsync(missing.Id));
        var updated = await store.UpdateAsync((await store.CreateAsync(missing)) with { Status = JobStatus.Processing, Owner = "bob", FailureReason = "kept" });
        Assert.Equal(updated, (await store.GetAsync(missing.Id))! with { Errors = updated.Errors, Parameters = updated.Parameters, Warnings = updated.Warnings });
    }

    [Fact]
    public async Task PostgreSql_EightWorkersUpdatingProgressOf100Jobs_LoseNoUpdate()
    {
        await using var database = await Database.CreateAsync("postgres", postgres);
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        var jobs = new List<Guid>();
        for (var i = 0; i < 100; i++)
        {
            jobs.Add((await store.CreateAsync(NewJob("w", "t", JobStatus.Processing, JobKind.Import, i))).Id);
        }

        const int Increments = 5;
        await Parallel.ForAsync(0, 8, async (worker, ct) =>
        {
            for (var round = 0; round < Increments; round++)
            {
                foreach (var id in jobs.OrderBy(j => HashCode.Combine(j, worker, round)))
                {
                    await store.UpdateAsync(id, j => j with { Progress = j.Progress with { RowsProcessed = j.Progress.RowsProcessed + 1 }, Counts = j.Counts with { Read = j.Counts.Read + 1 } }, ct);
                }
            }
        });

        var final = await store.QueryAsync(new JobQuery { Owner = "w", Take = 1_000 }).ToListAsync();
        Assert.Equal(100, final.Count);
        Assert.All(final, j => Assert.Equal((8L * Increments, 8L * Increments, 1L + (8 * Increments)), (j.Progress.RowsProcessed, j.Counts.Read, j.Version)));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Import_JobIsDurableWithItsHistory(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        Guid jobId;
        using (var host = new TestHost(database))
        {
            jobId = (await host.Importer.For<Item>().From(CsvSource.FromText("Sku,Name,Price\nA,b,x\n", "bad.csv")).OwnedBy("ann", "acme").DryRunAsync()).JobId;
        }

        // A new process: nothing in memory, everything from the database.
        var store = new EntityFrameworkJobStore<ShopContext>(database.Factory);
        var job = (await store.GetAsync(jobId))!;
        Assert.Equal((JobStatus.ValidationFailed, "bad.csv", "ann", "acme", 1L), (job.Status, job.FileName, job.Owner, job.Tenant, job.ErrorCount));
        Assert.Equal("Price", job.Errors.Single().Column);
        Assert.Equal(["created", "started", "validation failed"], (await store.GetHistoryAsync(jobId)).Select(e => e.Action));
    }
}
