using System.Data.Common;
using System.Text;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests;

[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class ImportTargetTests(PostgresServer postgres)
{
    private static CsvSource File(params string[] rows) => CsvSource.FromText("Sku,Name,Price,Quantity\n" + string.Join('\n', rows) + "\n");

    /// <summary>The strategy is the target's, or (<paramref name="askedByImport"/>) the import's own over a target set to another one.</summary>
    [Theory]
    [InlineData("sqlite", MergeStrategy.FailOnConflict, false)]
    [InlineData("sqlite", MergeStrategy.Upsert, false)]
    [InlineData("sqlite", MergeStrategy.SkipExisting, false)]
    [InlineData("postgres", MergeStrategy.FailOnConflict, false)]
    [InlineData("postgres", MergeStrategy.Upsert, false)]
    [InlineData("postgres", MergeStrategy.SkipExisting, false)]
    [InlineData("sqlite", MergeStrategy.FailOnConflict, true)]
    [InlineData("sqlite", MergeStrategy.Upsert, true)]
    [InlineData("sqlite", MergeStrategy.SkipExisting, true)]
    public async Task IntoAsync_ExistingKey_FollowsTheMergeStrategy(string provider, MergeStrategy strategy, bool askedByImport)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "old", Price = 1m, Quantity = 1 });
        using var host = new TestHost(database);
        var targetStrategy = askedByImport ? (MergeStrategy)(((int)strategy + 1) % 3) : strategy;

        var result = await host.Importer.For<Item>().From(File("A-1,new,2.50,5", "B-1,fresh,3,7"))
            .WithOptions(o => o.MergeStrategy = askedByImport ? strategy : null)
            .IntoAsync(host.Target(targetStrategy));

        var items = (await database.ItemsAsync()).Select(i => $"{i.Sku}:{i.Name}:{i.Price:0.00}:{i.Quantity}");
        switch (strategy)
        {
            case MergeStrategy.FailOnConflict:
                Assert.Equal(JobStatus.ValidationFailed, result.Status);
                Assert.Equal(["A-1:old:1.00:1"], items);
                Assert.Equal((1L, "Sku"), (result.Errors.Single().RowNumber!.Value, result.Errors[0].Column));
                Assert.StartsWith("A record with the key 'A-1' already exists.", result.Errors[0].Message, StringComparison.Ordinal);
                break;
            case MergeStrategy.Upsert:
                Assert.Equal(JobStatus.Completed, result.Status);
                Assert.Equal(["A-1:new:2.50:5", "B-1:fresh:3.00:7"], items);
                Assert.Equal((1L, 1L), (result.Counts.Created, result.Counts.Updated));
                break;
            default:
                Assert.Equal(JobStatus.Completed, result.Status);
                Assert.Equal(["A-1:old:1.00:1", "B-1:fresh:3.00:7"], items);
                Assert.Equal((1L, 1L, 1L), (result.Counts.Created, result.Counts.Skipped, result.Counts.Existing));
                break;
        }
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_FailOnConflictPartial_CommitsTheOtherRows(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "old" });
        using var host = new TestHost(database);

        var result = await host.Importer.For<Item>().From(File("A-1,new,2,5", "B-1,fresh,3,7")).WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(host.Target());

        Assert.Equal(JobStatus.CompletedWithErrors, result.Status);
        Assert.Equal(["A-1:old", "B-1:fresh"], (await database.ItemsAsync()).Select(i => $"{i.Sku}:{i.Name}"));
        Assert.Equal([RowOutcomeKind.Invalid, RowOutcomeKind.Created], result.Rows.Select(r => r.Kind));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_UnchangedRows_AreNotWritten(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "same", Price = 2.5m, Quantity = 5 }, new Item { Sku = "B-1", Name = "b", Price = 1, Quantity = 1 });
        using var host = new TestHost(database);

        var result = await host.Importer.For<Item>().From(File("A-1,same,2.50,5", "B-1,changed,1,1")).IntoAsync(host.Target(MergeStrategy.Upsert));

        Assert.Equal([RowOutcomeKind.Unchanged, RowOutcomeKind.Updated], result.Rows.Select(r => r.Kind));
        Assert.Equal((1L, 1L, 1L, 0L), (result.Counts.Updated, result.Counts.Skipped, result.Counts.Unchanged, result.Counts.Existing));
    }

    /// <summary>
    /// An update sets only the columns whose values change: the key's index is not rewritten, and a trigger on the
    /// other columns (<c>UPDATE OF</c>, which fires for every column a SET names) does not fire.
    /// </summary>
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_Update_SetsOnlyTheChangedColumns(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "old", Price = 1m, Quantity = 1 });
        await using (var db = database.Factory.CreateDbContext())
        {
            // The test's own DDL: an audit of the columns the file leaves as they are.
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE \"Audit\" (\"Sku\" TEXT)");
            await db.Database.ExecuteSqlRawAsync(provider == "sqlite"
                ? "CREATE TRIGGER \"Audited\" AFTER UPDATE OF \"Sku\", \"Price\", \"Quantity\" ON \"Items\" BEGIN INSERT INTO \"Audit\" VALUES (new.\"Sku\"); END"
                : "CREATE FUNCTION audit() RETURNS trigger AS $$ BEGIN INSERT INTO \"Audit\" VALUES (NEW.\"Sku\"); RETURN NEW; END $$ LANGUAGE plpgsql; "
                  + "CREATE TRIGGER \"Audited\" AFTER UPDATE OF \"Sku\", \"Price\", \"Quantity\" ON \"Items\" FOR EACH ROW EXECUTE FUNCTION audit()");
        }

        using var host = new TestHost(database);
        await host.Importer.For<Item>().From(File("A-1,new,1.00,1")).IntoAsync(host.Target(MergeStrategy.Upsert));
        var untouched = await AuditedAsync(database);
        await host.Importer.For<Item>().From(File("A-1,new,2.00,1")).IntoAsync(host.Target(MergeStrategy.Upsert));

        Assert.Equal(("new", 2m), (Assert.Single(await database.ItemsAsync()).Name, (await database.ItemsAsync())[0].Price));
        Assert.Equal((0, 1), (untouched, await AuditedAsync(database)));
    }

    private static async Task<int> AuditedAsync(Database database)
    {
        await using var db = database.Factory.CreateDbContext();
        return await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Audit\"").SingleAsync();
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_ColumnsMissingFromTheFile_AreLeftAloneOnUpdate(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "keep me", Price = 9m, Quantity = 3 });
        using var host = new TestHost(database);

        await host.Importer.For<Item>().From(CsvSource.FromText("Sku,Price\nA-1,10\n")).IntoAsync(host.Target(MergeStrategy.Upsert));

        var item = Assert.Single(await database.ItemsAsync());
        Assert.Equal(("keep me", 10m, 3), (item.Name, item.Price, item.Quantity));
    }

    [Theory]
    [InlineData("sqlite", DuplicateKeyPolicy.KeepLast, "A-1:third", 0)]
    [InlineData("postgres", DuplicateKeyPolicy.KeepLast, "A-1:third", 0)]
    [InlineData("sqlite", DuplicateKeyPolicy.KeepFirst, "A-1:first", 0)]
    [InlineData("postgres", DuplicateKeyPolicy.Error, "", 2)]
    public async Task IntoAsync_KeyRepeatedInTheFile_FollowsTheDuplicatePolicy(string provider, DuplicateKeyPolicy policy, string expected, int errors)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database);

        var result = await host.Importer.For<Item>().From(File("A-1,first,1,1", "A-1,second,2,2", "A-1,third,3,3"))
            .WithOptions(o => o.DuplicateKeys = policy)
            .IntoAsync(host.Target());

        Assert.Equal(expected, string.Join('|', (await database.ItemsAsync()).Select(i => $"{i.Sku}:{i.Name}")));
        Assert.Equal(errors, result.Errors.Count);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_10000Rows_LooksUpKeysOncePerBatch(string provider)
    {
        var commands = new CommandCounter();
        await using var database = await Database.CreateAsync(provider, postgres, commands);
        using var host = new TestHost(database);
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 0; i < 10_000; i++)
        {
            csv.Append("S-").Append(i).Append(",n,1,1\n");
        }

        commands.Reset();
        var result = await host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString())).WithOptions(o => o.BatchSize = 1_000).IntoAsync(host.Target(MergeStrategy.Upsert));

        Assert.Equal(10_000, result.Counts.Created);
        Assert.Equal(10, commands.SelectsOn("Items"));
        if (provider == "postgres")
        {
            // Npgsql batches each SaveChanges into few round trips: the total grows with batches, not rows.
            Assert.True(commands.Total < 200, $"{commands.Total} database commands for 10 batches");
        }
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public async Task IntoAsync_WithCopyInserter_InsertsThroughCopyOnPostgreSqlAndStillRollsBack(string provider)
    {
        var commands = new CommandCounter();
        await using var database = await Database.CreateAsync(provider, postgres, commands);
        await database.SeedAsync(new Item { Sku = "S-0", Name = "existing", Price = 1, Quantity = 1 });
        using var host = new TestHost(database);
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 0; i < 5_000; i++)
        {
            csv.Append("S-").Append(i).Append(",\"copied \"\"name\"\"\",").Append(i).Append(".25,").Append(i).Append('\n');
        }

        var copy = new CountingInserter(new PostgreSql.NpgsqlCopyInserter());
        var target = new EntityFrameworkImportTarget<ShopContext, Item>(database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert, BulkInserter = copy });
        commands.Reset();
        var result = await host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString())).WithOptions(o => o.BatchSize = 1_000).IntoAsync(target);

        Assert.Equal((4_999L, 1L), (result.Counts.Created, result.Counts.Updated));
        var items = await database.ItemsAsync();
        Assert.Equal(5_000, items.Count);
        Assert.Equal(("copied \"name\"", 4321.25m, 4321), items.Single(i => i.Sku == "S-4321") is var item ? (item.Name, item.Price, item.Quantity) : default);
        Assert.Equal(provider == "postgres" ? 4_999 : 0, copy.Inserted);
        Assert.Equal(provider == "postgres" ? 0 : 4_999, commands.InsertsInto("Items"));

        commands.Reset();
        var undone = await host.Rollback.RollbackAsync(result.JobId);

        Assert.Equal((4_999, 1), (undone.Deleted, undone.Restored));
        Assert.True(commands.SelectsOn("Items") <= 5, $"{commands.SelectsOn("Items")} queries read items during the rollback of 5,000 rows");
        Assert.Equal(["S-0:existing"], (await database.ItemsAsync()).Select(i => $"{i.Sku}:{i.Name}"));
    }

    /// <summary>Counts the records a bulk inserter took (it declines on a provider it does not serve).</summary>
    private sealed class CountingInserter(IBulkInserter inner) : IBulkInserter
    {
        public int Inserted { get; private set; }

        public async ValueTask<bool> InsertAsync<TEntity>(DbContext context, IReadOnlyList<TEntity> entities, CancellationToken cancellationToken = default)
            where TEntity : class
        {
            var inserted = await inner.InsertAsync(context, entities, cancellationToken);
            if (inserted && typeof(TEntity) == typeof(Item))
            {
                Inserted += entities.Count;
            }

            return inserted;
        }
    }

    /// <summary>Counts the commands EF Core sends, and the SELECTs reading a given table.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private readonly List<string> texts = [];

        public int Total
        {
            get
            {
                lock (texts)
                {
                    return texts.Count;
                }
            }
        }

        public int SelectsOn(string table)
        {
            lock (texts)
            {
                // A tagged query starts with its tag, an SQL comment line.
                return texts.Select(t => string.Join('\n', t.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))))
                    .Count(t => t.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) && t.Contains($"FROM \"{table}\"", StringComparison.Ordinal));
            }
        }

        public int InsertsInto(string table)
        {
            lock (texts)
            {
                return texts.Sum(t => t.Split("INSERT INTO \"" + table + "\"").Length - 1);
            }
        }

        public void Reset()
        {
            lock (texts)
            {
                texts.Clear();
            }
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Add(command.CommandText);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Add(command.CommandText);
            return ValueTask.FromResult(result);
        }

        private void Add(string text)
        {
            lock (texts)
            {
                texts.Add(text);
            }
        }
    }

    /// <summary>Issue 24: the EF Core package's options are checked like every other, naming the option.</summary>
    [Fact]
    public async Task OptionsOutOfRange_AreRefusedNamingTheOption()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);

        var target = Assert.Throws<BulkDataConfigurationException>(() => new EntityFrameworkImportTarget<ShopContext, Item>(database.Factory, new EntityFrameworkTargetOptions { BulkInsertThreshold = 0 }));
        var rollback = Assert.Throws<BulkDataConfigurationException>(() => new ImportRollback<ShopContext>(database.Factory, TimeProvider.System, new RollbackOptions { Window = TimeSpan.FromHours(-1) }));

        Assert.Equal(("EntityFrameworkTargetOptions.BulkInsertThreshold", "RollbackOptions.Window"), (target.Member, rollback.Member));
    }
}
