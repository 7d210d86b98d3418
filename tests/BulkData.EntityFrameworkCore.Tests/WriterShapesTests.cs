using BulkData.EntityFrameworkCore.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>
/// Issue 22: entity shapes through both write paths, each imported into an empty table, imported again with half its
/// rows changed, and rolled back to the exact prior state, every column of every row compared. <see cref="Gauge"/>
/// goes through the set-based writer (a generated, strongly typed key beside the natural import key, an enum stored as
/// text, a database default the file also sets, <c>timestamp(3) with time zone</c>, a nullable FK); <see cref="Badge"/>
/// through EF Core's tracker (a concurrency token and a shadow property keep it there).
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class WriterShapesTests(PostgresServer postgres)
{
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Gauge_ImportedReimportedHalfChangedAndRolledBack_EveryColumnExact(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        int category;
        await using (var context = database.Factory.CreateDbContext())
        {
            var tools = new Category { Name = "tools" };
            context.Add(tools);
            await context.SaveChangesAsync();
            category = tools.Id;
        }

        using var host = new TestHost(database, configure: b => b.AddResource<Gauge>(r => r.Key(g => g.Code).Ignore(g => g.Id)));
        var target = new EntityFrameworkImportTarget<ShopContext, Gauge>(database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert });
        var first = await host.Importer.For<Gauge>().From(CsvSource.FromText(
            $"Code,Level,Reading,Checked,CategoryId\nG-1,Low,1,2024-03-01T10:00:00.123Z,{category}\nG-2,High,2,2024-03-01T10:00:01.456Z,\nG-3,Low,3,2024-03-01T10:00:02.789Z,{category}\nG-4,High,4,2024-03-01T10:00:03.000Z,\n"))
            .IntoAsync(target);
        Assert.Equal((JobStatus.Completed, 4L), (first.Status, first.Counts.Created));
        var afterFirst = await GaugesAsync(database);
        Assert.Equal(
            [$"1|G-1|Low|1|2024-03-01 10:00:00.123|{category}", "2|G-2|High|2|2024-03-01 10:00:01.456|", $"3|G-3|Low|3|2024-03-01 10:00:02.789|{category}", "4|G-4|High|4|2024-03-01 10:00:03.000|"],
            afterFirst);
        Assert.Equal(["High", "High", "Low", "Low"], await StoredLevelsAsync(database));

        var second = await host.Importer.For<Gauge>().From(CsvSource.FromText(
            $"Code,Level,Reading,Checked,CategoryId\nG-1,High,10,2024-03-01T10:00:00.123Z,\nG-2,High,20,2024-03-01T10:00:01.456Z,{category}\nG-3,Low,3,2024-03-01T10:00:02.789Z,{category}\nG-4,High,4,2024-03-01T10:00:03.000Z,\nG-5,Low,5,2024-03-02T00:00:00.001Z,\n"))
            .IntoAsync(target);
        Assert.Equal((2L, 2L, 1L), (second.Counts.Updated, second.Counts.Unchanged, second.Counts.Created));
        Assert.Equal([$"1|G-1|High|10|2024-03-01 10:00:00.123|", $"2|G-2|High|20|2024-03-01 10:00:01.456|{category}"], (await GaugesAsync(database)).Take(2));
        Assert.Equal("5|G-5|Low|5|2024-03-02 00:00:00.001|", (await GaugesAsync(database))[4]);

        await host.Rollback.RollbackAsync(second.JobId);
        Assert.Equal(afterFirst, await GaugesAsync(database));
        await host.Rollback.RollbackAsync(first.JobId);
        Assert.Empty(await GaugesAsync(database));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Badge_ImportedReimportedHalfChangedAndRolledBack_EveryColumnAndTheShadowExact(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Badge>(r => r.Key(x => x.Code).Ignore(x => x.Id)));
        var target = new EntityFrameworkImportTarget<ShopContext, Badge>(database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert });
        var first = await host.Importer.For<Badge>().From(CsvSource.FromText("Code,Holder,Revision\nB-1,ann,1\nB-2,bob,1\nB-3,cy,1\nB-4,dee,1\n")).IntoAsync(target);
        Assert.Equal(4L, first.Counts.Created);
        var afterFirst = await BadgesAsync(database);
        Assert.Equal(["1|B-1|ann|1|import", "2|B-2|bob|1|import", "3|B-3|cy|1|import", "4|B-4|dee|1|import"], afterFirst);

        var second = await host.Importer.For<Badge>().From(CsvSource.FromText("Code,Holder,Revision\nB-1,ann,2\nB-2,bo,2\nB-3,cy,1\nB-4,dee,1\nB-5,eve,1\n")).IntoAsync(target);
        Assert.Equal((2L, 2L, 1L), (second.Counts.Updated, second.Counts.Unchanged, second.Counts.Created));

        await host.Rollback.RollbackAsync(second.JobId);
        Assert.Equal(afterFirst, await BadgesAsync(database));
        await host.Rollback.RollbackAsync(first.JobId);
        Assert.Empty(await BadgesAsync(database));
    }

    /// <summary>
    /// A second unique index the import key does not cover: only the database can refuse the row. PostgreSQL's COPY of
    /// the batch fails as a whole, and the failed job names the database's cause; SQLite's statements run one per row, so
    /// the row is a row error of its own (issue 22 item 7), and the all-or-nothing import writes nothing either way.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task UniqueViolation_NamesTheDatabasesCause_OnTheJobOrOnTheRow(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await using (var context = database.Factory.CreateDbContext())
        {
            await context.Database.ExecuteSqlRawAsync("CREATE UNIQUE INDEX \"IX_Items_Name\" ON \"Items\" (\"Name\")");
        }

        using var host = new TestHost(database);
        var import = host.Importer.For<Item>().From(CsvSource.FromText("Sku,Name,Price,Quantity\nU-1,same,1,1\nU-2,same,2,2\n"));
        if (provider == "sqlite")
        {
            var result = await import.IntoAsync(host.Target(MergeStrategy.Upsert));
            Assert.Equal((JobStatus.ValidationFailed, 2L, "Name"), (result.Status, result.Errors.Single().RowNumber!.Value, result.Errors[0].Column));
            Assert.StartsWith("Another record already has the Name 'same'", result.Errors[0].Message, StringComparison.Ordinal);
        }
        else
        {
            await Assert.ThrowsAsync<DbUpdateException>(() => import.IntoAsync(host.Target(MergeStrategy.Upsert)));
            var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
            Assert.Equal(JobStatus.Failed, job.Status);
            Assert.Contains("IX_Items_Name", job.FailureReason, StringComparison.Ordinal);
            Assert.DoesNotContain("inner exception", job.FailureReason, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Empty(await database.ItemsAsync());
    }

    private static async Task<List<string>> GaugesAsync(Database database)
    {
        await using var context = database.Factory.CreateDbContext();
        return [.. (await context.Set<Gauge>().AsNoTracking().ToListAsync()).OrderBy(g => g.Code)
            .Select(g => $"{g.Id.Value}|{g.Code}|{g.Level}|{g.Reading}|{g.Checked:yyyy-MM-dd HH:mm:ss.fff}|{g.CategoryId}")];
    }

    private static async Task<List<string>> StoredLevelsAsync(Database database)
    {
        await using var context = database.Factory.CreateDbContext();
        return [.. (await context.Database.SqlQueryRaw<string>("SELECT \"Level\" AS \"Value\" FROM \"Gauge\"").ToListAsync()).Order()];
    }

    private static async Task<List<string>> BadgesAsync(Database database)
    {
        await using var context = database.Factory.CreateDbContext();
        return [.. (await context.Set<Badge>().AsNoTracking().Select(b => new { b.Id, b.Code, b.Holder, b.Revision, Origin = EF.Property<string>(b, "Origin") }).ToListAsync())
            .OrderBy(b => b.Code).Select(b => $"{b.Id}|{b.Code}|{b.Holder}|{b.Revision}|{b.Origin}")];
    }
}
