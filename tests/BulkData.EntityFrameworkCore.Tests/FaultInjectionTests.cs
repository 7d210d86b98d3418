using System.Data.Common;
using System.Text;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>An exception while writing batch k: all-or-nothing leaves the database as it was; partial keeps batches before k.</summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class FaultInjectionTests(PostgresServer postgres)
{
    private const int BatchSize = 100;
    private const int FailingBatch = 3;

    private static CsvSource Rows(int count)
    {
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 1; i <= count; i++)
        {
            csv.Append("N-").Append(i).Append(",new,1,1\n");
        }

        return CsvSource.FromText(csv.ToString());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task AllOrNothing_FailureInBatchK_LeavesTheDatabaseExactlyAsBefore(string provider)
    {
        var fault = new FailInBatch(FailingBatch);
        await using var database = await Database.CreateAsync(provider, postgres, fault);
        await database.SeedAsync(new Item { Sku = "OLD-1", Name = "untouched", Price = 4.25m, Quantity = 2 });
        var before = await database.ItemsAsync();
        using var host = new TestHost(database);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            host.Importer.For<Item>().From(Rows(500)).WithOptions(o => o.BatchSize = BatchSize).IntoAsync(host.Target(MergeStrategy.Upsert)));

        Assert.Equal("injected failure", error.Message);
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Equal((JobStatus.Failed, 0L), (job.Status, job.Checkpoint));
        await using var context = database.Factory.CreateDbContext();
        Assert.Equal(0, await context.Set<Jobs.RowChangeRecord>().CountAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Partial_FailureInBatchK_KeepsEarlierBatchesAndTheirCheckpoint(string provider)
    {
        var fault = new FailInBatch(FailingBatch);
        await using var database = await Database.CreateAsync(provider, postgres, fault);
        using var host = new TestHost(database);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            host.Importer.For<Item>().From(Rows(500)).WithOptions(o => { o.BatchSize = BatchSize; o.CommitMode = CommitMode.Partial; }).IntoAsync(host.Target()));

        var committed = (FailingBatch - 1) * BatchSize;
        Assert.Equal(Enumerable.Range(1, committed).Select(i => $"N-{i}").Order(), (await database.ItemsAsync()).Select(i => i.Sku).Order());
        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Equal((JobStatus.Failed, (long)committed, (long)committed), (job.Status, job.Checkpoint, job.Counts.Created));
    }

    private static string Describe(Item item) => $"{item.Id}|{item.Sku}|{item.Name}|{item.Price}|{item.Quantity}|{item.Released:O}";

    /// <summary>
    /// Throws when the k-th lookup of existing records starts (tagged by the target: the first statement of every batch;
    /// these tests use no bulk inserter, whose read-back is tagged too), as a
    /// dropped connection would: nothing of batch k is written, every earlier batch is. <see cref="Arm"/> sets k again
    /// (null: never) and restarts the count, so one database serves many cases.
    /// </summary>
    internal sealed class FailInBatch(int? failingBatch = null) : DbCommandInterceptor
    {
        public const string Message = "injected failure";

        private int? failAt = failingBatch;
        private int batches;

        public void Arm(int? batch)
        {
            failAt = batch;
            batches = 0;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (failAt is { } k && command.CommandText.Contains(QueryTags.ExistingRecords, StringComparison.Ordinal) && Interlocked.Increment(ref batches) == k)
            {
                throw new InvalidOperationException(Message);
            }

            return ValueTask.FromResult(result);
        }
    }
}
