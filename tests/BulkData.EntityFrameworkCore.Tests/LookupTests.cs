using BulkData.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>Issue 26 item 1: lookup columns resolve a file's natural keys to the referenced records' keys, a batch at a time.</summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class LookupTests(PostgresServer postgres)
{
    private static void Orders(BulkDataBuilder b) => b.AddResource<SalesOrder>(r => r.Key(o => o.Reference).Ignore(o => o.Id)
        .Column(o => o.CustomerId, c => c.Name("Customer").LookUp<Customer>(x => x.Number))
        .Column(o => o.ShipToRegionId, c => c.Name("Ship To").LookUp<Region>(x => x.Code)));

    private static async Task SeedAsync(Database database)
    {
        await using var db = database.Factory.CreateDbContext();
        var north = new Region { Code = "NORTH", Name = "North" };
        var south = new Region { Code = "south", Name = "South" };
        db.AddRange(north, south, new Customer { Number = "C-1", Name = "Ann", Region = north }, new Customer { Number = "C-2", Name = "Bob", Region = south });
        await db.SaveChangesAsync();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Import_ResolvesNaturalKeys_IgnoringCaseAndSpaces_AndAnUnknownOneIsARowError(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database);
        using var host = new TestHost(database, configure: Orders, addItems: false);

        var result = await host.Importer.For<SalesOrder>()
            .From(CsvSource.FromText("Reference,Customer,Ship To,Total,Placed At\nO1,C-1,north,10,2024-01-02T00:00:00Z\nO2, c-2 ,,20,2024-01-03T00:00:00Z\nO3,C-9,SOUTH,30,2024-01-04T00:00:00Z\nO4,C-2,West,40,2024-01-05T00:00:00Z\n"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));

        await using var db = database.Factory.CreateDbContext();
        var stored = await db.Set<SalesOrder>().AsNoTracking().OrderBy(o => o.Reference)
            .Select(o => $"{o.Reference}:{o.Customer!.Number}:{(o.ShipToRegion == null ? "-" : o.ShipToRegion.Code)}").ToListAsync();
        Assert.Equal(["O1:C-1:NORTH", "O2:C-2:-"], stored);
        Assert.Equal(
            [
                (3L, "Customer", "No Customer has the Number 'C-9'. Check the value, or add the Customer first."),
                (4L, "Ship To", "No Region has the Code 'West'. Check the value, or add the Region first."),
            ],
            result.Errors.Select(e => (e.RowNumber!.Value, e.Column!, e.Message)));
    }

    /// <summary>Ten thousand orders of 500 customers: one query of referenced records per batch, not per row.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Import_OfManyRows_QueriesTheReferencedRecordsOncePerBatch(string provider)
    {
        var counter = new ReferenceQueryCounter();
        await using var database = await Database.CreateAsync(provider, postgres, counter);
        await using (var db = database.Factory.CreateDbContext())
        {
            var region = new Region { Code = "R", Name = "R" };
            db.AddRange(Enumerable.Range(0, 500).Select(i => new Customer { Number = $"C-{i}", Name = $"c{i}", Region = region }));
            await db.SaveChangesAsync();
        }

        using var host = new TestHost(database, configure: Orders, addItems: false);
        var csv = "Reference,Customer,Total,Placed At\n" + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"O{i},C-{i % 500},1,2024-01-01T00:00:00Z\n"));
        counter.Count = 0;

        var result = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(csv)).WithOptions(o => o.BatchSize = 1_000)
            .IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(10_000, result.Counts.Created);

        // The first batch asks for the 500 customers; the nine after it find them remembered.
        Assert.Equal(1, counter.Count);
        await using var check = database.Factory.CreateDbContext();
        Assert.Equal(20, await check.Set<SalesOrder>().CountAsync(o => o.Customer!.Number == "C-7"));
    }

    /// <summary>A dry run, which writes nowhere, resolves through the registered resolver, and reports the unknown values.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task DryRun_ResolvesThroughTheRegisteredResolver(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database);
        using var host = new TestHost(database, configure: b => { Orders(b); b.UseEntityFrameworkLookups<ShopContext>(); }, addItems: false);

        var result = await host.Importer.For<SalesOrder>()
            .From(CsvSource.FromText("Reference,Customer,Total,Placed At\nO1,C-1,10,2024-01-02T00:00:00Z\nO2,Nobody,20,2024-01-03T00:00:00Z\n"))
            .DryRunAsync();

        Assert.Equal([(2L, "Customer")], result.Errors.Select(e => (e.RowNumber!.Value, e.Column!)));
        Assert.Equal(1, result.Counts.Valid);
    }

    /// <summary>Export writes each referenced record's natural key (a nullable reference left empty), and the file imports back as it was.</summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task ExportThenImport_WritesTheNaturalKeys_AndRoundTrips(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database);
        using var host = new TestHost(database, configure: b => { Orders(b); b.UseEntityFrameworkLookups<ShopContext>(); }, addItems: false);
        await host.Importer.For<SalesOrder>()
            .From(CsvSource.FromText("Reference,Customer,Ship To,Total,Placed At\nO1,C-1,north,10,2024-01-02T00:00:00Z\nO2,C-2,,20,2024-01-03T00:00:00Z\n"))
            .IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));

        using var csv = new MemoryStream();
        await using (var db = database.Factory.CreateDbContext())
        {
            await host.Exporter.For<SalesOrder>().From(db.Set<SalesOrder>().AsNoTracking().OrderBy(o => o.Reference)).Columns("Reference", "Customer", "Ship To").ToAsync(CsvSink.ToStream(csv));
        }

        var written = System.Text.Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF');
        Assert.Equal(["Reference,Customer,Ship To", "O1,C-1,NORTH", "O2,C-2,"], written.Split("\r\n", StringSplitOptions.RemoveEmptyEntries));

        await using (var db = database.Factory.CreateDbContext())
        {
            await db.Set<SalesOrder>().ExecuteUpdateAsync(set => set.SetProperty(o => o.CustomerId, o => db.Set<Customer>().Single(c => c.Number == "C-2").Id).SetProperty(o => o.ShipToRegionId, (int?)null));
        }

        var result = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(written)).IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        await using var check = database.Factory.CreateDbContext();
        Assert.Equal(
            ["O1:C-1:NORTH", "O2:C-2:-"],
            await check.Set<SalesOrder>().AsNoTracking().OrderBy(o => o.Reference).Select(o => $"{o.Reference}:{o.Customer!.Number}:{(o.ShipToRegion == null ? "-" : o.ShipToRegion.Code)}").ToListAsync());
    }

    /// <summary>
    /// A lookup that creates what it does not find: the new region (one for two spellings of it) is created in the
    /// import's transaction and referenced, and the rollback removes it with the orders; a dry run creates nothing and
    /// refuses nothing.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task OrCreate_CreatesTheMissingRecords_AndTheRollbackRemovesThem(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database);
        using var host = new TestHost(
            database,
            configure: b =>
            {
                b.AddResource<SalesOrder>(r => r.Key(o => o.Reference).Ignore(o => o.Id)
                    .Column(o => o.CustomerId, c => c.Name("Customer").LookUp<Customer>(x => x.Number))
                    .Column(o => o.ShipToRegionId, c => c.Name("Ship To").LookUp<Region>(x => x.Code, orCreate: true)));
                b.UseEntityFrameworkLookups<ShopContext>();
            },
            addItems: false);
        var file = "Reference,Customer,Ship To,Total,Placed At\nO1,C-1,EAST,10,2024-01-02T00:00:00Z\nO2,C-2,east,20,2024-01-03T00:00:00Z\nO3,C-2,north,30,2024-01-04T00:00:00Z\n";

        var dryRun = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(file)).DryRunAsync();
        Assert.Equal((0, 3L), (dryRun.Errors.Count, dryRun.Counts.Valid));
        Assert.Equal(["NORTH", "south"], await RegionsAsync(database));

        var result = await host.Importer.For<SalesOrder>().From(CsvSource.FromText(file)).IntoAsync(host.Target<SalesOrder>(MergeStrategy.Upsert));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(["EAST", "NORTH", "south"], await RegionsAsync(database));
        await using (var db = database.Factory.CreateDbContext())
        {
            Assert.Equal(
                ["O1:EAST", "O2:EAST", "O3:NORTH"],
                await db.Set<SalesOrder>().AsNoTracking().OrderBy(o => o.Reference).Select(o => $"{o.Reference}:{o.ShipToRegion!.Code}").ToListAsync());
        }

        var rolledBack = await host.Rollback.RollbackAsync(result.JobId);
        Assert.Equal(4, rolledBack.Deleted);
        Assert.Equal(["NORTH", "south"], await RegionsAsync(database));
        await using var check = database.Factory.CreateDbContext();
        Assert.Equal(0, await check.Set<SalesOrder>().CountAsync());
    }

    private static async Task<List<string>> RegionsAsync(Database database)
    {
        await using var db = database.Factory.CreateDbContext();
        return [.. (await db.Set<Region>().Select(r => r.Code).ToListAsync()).Order(StringComparer.Ordinal)];
    }

    /// <summary>Counts the queries of referenced records (by their tag).</summary>
    private sealed class ReferenceQueryCounter : DbCommandInterceptor
    {
        public int Count { get; set; }

        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("BulkData: the batch's referenced records", StringComparison.Ordinal))
            {
                Count++;
            }

            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
