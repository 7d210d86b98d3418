using BulkData.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests;

[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class RollbackTests(PostgresServer postgres)
{
    private static readonly Item[] Seed =
    [
        new() { Sku = "A-1", Name = "before a", Price = 1.2345m, Quantity = 1, Released = new DateTime(2020, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc) },
        new() { Sku = "C-1", Name = "not in the file", Price = 9m, Quantity = 9 },
    ];

    private static async Task<(TestHost Host, ImportResult Result, List<Item> Before)> ImportAsync(Database database, ManualClock clock)
    {
        await database.SeedAsync(Seed.Select(s => new Item { Sku = s.Sku, Name = s.Name, Price = s.Price, Quantity = s.Quantity, Released = s.Released }).ToArray());
        var before = await database.ItemsAsync();
        var host = new TestHost(database, clock);
        var result = await host.Importer.For<Item>()
            .From(CsvSource.FromText("Sku,Name,Price,Quantity\nA-1,after a,2,2\nB-1,created,3,3\nB-2,created too,4,4\n"))
            .OwnedBy("ann")
            .IntoAsync(host.Target(MergeStrategy.Upsert));
        Assert.Equal(JobStatus.Completed, result.Status);
        return (host, result, before);
    }

    private static string Describe(Item item) => $"{item.Id}|{item.Sku}|{item.Name}|{item.Price}|{item.Quantity}|{item.Released:O}";

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_DeletesCreatedAndRestoresUpdatedExactly(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var (host, result, before) = await ImportAsync(database, new ManualClock());
        using var _ = host;

        var rollback = await host.Rollback.RollbackAsync(result.JobId, "ann");

        Assert.Equal((2, 1), (rollback.Deleted, rollback.Restored));
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
        var job = (await host.Jobs.GetAsync(result.JobId))!;
        Assert.Equal(JobStatus.RolledBack, job.Status);
        var last = (await host.Jobs.GetHistoryAsync(result.JobId))[^1];
        Assert.Equal(("rolled back", "ann"), (last.Action, last.Actor));
    }

    /// <summary>
    /// Issue 26: an entity in a many-to-many with skip navigations (its join entity a shared-type dictionary) rolls
    /// back; the dependents check reads the join table, and a label a parcel uses since the import is kept unless forced.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Rollback_OfAnEntityInAManyToMany_ChecksTheJoinTable(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Label>(r => r.Key(l => l.Name).Ignore(l => l.Id)), addItems: false);
        var first = await host.Importer.For<Label>().From(CsvSource.FromText("Name\nred\nblue\n")).IntoAsync(host.Target<Label>(MergeStrategy.Upsert));
        var second = await host.Importer.For<Label>().From(CsvSource.FromText("Name\ngreen\n")).IntoAsync(host.Target<Label>(MergeStrategy.Upsert));
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            db.Add(new Parcel { Reference = "P-1", Labels = [await db.Set<Label>().SingleAsync(l => l.Name == "green")] });
            await db.SaveChangesAsync();
        }

        var undone = await host.Rollback.RollbackAsync(first.JobId, "ann");
        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(second.JobId, "ann"));

        Assert.Equal(2, undone.Deleted);
        Assert.StartsWith("LabelParcel ", Assert.Single(refused.Dependents), StringComparison.Ordinal);
        await using var after = await database.Factory.CreateDbContextAsync();
        Assert.Equal(["green"], await after.Set<Label>().Select(l => l.Name).ToListAsync());
    }

    /// <summary>Issue 23: two rollbacks of one import at once: exactly one undoes it, the other is refused as already rolled back; the data is exact.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task TwoConcurrentRollbacks_ExactlyOneWins(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var (host, result, before) = await ImportAsync(database, new ManualClock());
        using var _ = host;

        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await start.WaitAsync();
            try
            {
                return (object)await host.Rollback.RollbackAsync(result.JobId, "ann");
            }
            catch (Exception e)
            {
                return e;
            }
        })).ToArray();
        start.Release(2);
        var outcomes = await Task.WhenAll(attempts);

        Assert.Single(outcomes.OfType<RollbackResult>());
        var refused = Assert.IsType<RollbackRefusedException>(Assert.Single(outcomes.OfType<Exception>()));
        Assert.Contains("already rolled back", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
        Assert.Equal(JobStatus.RolledBack, (await host.Jobs.GetAsync(result.JobId))!.Status);
        Assert.Single(await host.Jobs.GetHistoryAsync(result.JobId), e => e.Action == "rolled back");
    }

    /// <summary>Change records written in bulk (COPY on PostgreSQL) still order the changes: a rollback restores exactly.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_ChangeRecordsWrittenByTheBulkInserter_RestoreExactly(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(Seed.Select(s => new Item { Sku = s.Sku, Name = s.Name, Price = s.Price, Quantity = s.Quantity, Released = s.Released }).ToArray());
        var before = await database.ItemsAsync();
        using var host = new TestHost(database, new ManualClock());
        var csv = new System.Text.StringBuilder("Sku,Name,Price,Quantity\nA-1,after a,2,2\n");
        for (var i = 0; i < 300; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"N-{i:000},new,{i},{i}\n");
        }

        var result = await host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString())).WithOptions(o => o.BatchSize = 100)
            .IntoAsync(host.Target<Item>(MergeStrategy.Upsert, new BulkData.PostgreSql.NpgsqlCopyInserter()));
        Assert.Equal((JobStatus.Completed, 300L, 1L), (result.Status, result.Counts.Created, result.Counts.Updated));

        var rollback = await host.Rollback.RollbackAsync(result.JobId, "ann");

        Assert.Equal((300, 1), (rollback.Deleted, rollback.Restored));
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_InAScope_FindsNoOtherTenantsOrUsersImport(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var (host, result, before) = await ImportAsync(database, new ManualClock());
        using var _ = host;

        await Assert.ThrowsAsync<JobNotFoundException>(() => host.Rollback.RollbackAsync(result.JobId, new JobScope("globex")));
        await Assert.ThrowsAsync<JobNotFoundException>(() => host.Rollback.RollbackAsync(result.JobId, new JobScope(null, "mallory")));
        Assert.Equal(JobStatus.Completed, (await host.Jobs.GetAsync(result.JobId))!.Status);
        var rollback = await host.Rollback.RollbackAsync(result.JobId, new JobScope(null, "ann"));

        Assert.Equal((2, 1), (rollback.Deleted, rollback.Restored));
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_RecordChangedSince_IsRefusedUnlessForced(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var (host, result, before) = await ImportAsync(database, new ManualClock());
        using var _ = host;
        await using (var context = database.Factory.CreateDbContext())
        {
            var edited = await context.Items.SingleAsync(i => i.Sku == "B-1");
            edited.Name = "edited by a user after the import";
            await context.SaveChangesAsync();
        }

        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(result.JobId));
        Assert.Single(refused.ChangedKeys);
        Assert.Contains("changed after the import", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await database.ItemsAsync()).Count);
        Assert.Equal(JobStatus.Completed, (await host.Jobs.GetAsync(result.JobId))!.Status);

        var forced = await host.Rollback.RollbackAsync(result.JobId, force: true);

        Assert.Single(forced.Overridden);
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_AfterTheWindow_IsRefused(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var clock = new ManualClock();
        var (host, result, _) = await ImportAsync(database, clock);
        using var __ = host;
        clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));

        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(result.JobId));

        Assert.Contains("the rollback window has passed", refused.Message, StringComparison.Ordinal);
        Assert.Equal(4, (await database.ItemsAsync()).Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_Twice_IsRefusedTheSecondTime(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        var (host, result, _) = await ImportAsync(database, new ManualClock());
        using var _ = host;
        await host.Rollback.RollbackAsync(result.JobId);

        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(result.JobId));

        Assert.Equal($"Job {result.JobId} was already rolled back.", refused.Message);
    }

    [Fact]
    public async Task RollbackAsync_DryRun_IsRefused()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = new TestHost(database);
        var dryRun = await host.Importer.For<Item>().From(CsvSource.FromText("Sku,Name\nA,b\n")).DryRunAsync();

        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(dryRun.JobId));

        Assert.Contains("only imports that wrote records can be rolled back", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A clock the test moves by hand.</summary>
    public sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset now = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => now;

        public void Advance(TimeSpan by) => now += by;
    }
}
