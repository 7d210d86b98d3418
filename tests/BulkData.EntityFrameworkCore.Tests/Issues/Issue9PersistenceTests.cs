using System.Data.Common;
using System.Text;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.PostgreSql;
using BulkData.Resources;
using BulkData.Validation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>Issue 9, defects 1-12: the EF Core target, the COPY path and rollback lost or merged data without a word.</summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class Issue9PersistenceTests(PostgresServer postgres)
{
    private static async Task<List<T>> AllAsync<T>(Database database)
        where T : class
    {
        await using var context = database.Factory.CreateDbContext();
        return await context.Set<T>().AsNoTracking().ToListAsync();
    }

    private static async Task SeedAsync(Database database, params object[] entities)
    {
        await using var context = database.Factory.CreateDbContext();
        context.AddRange(entities);
        await context.SaveChangesAsync();
    }

    // Defect 1: keys compared as text: DateTime keys a millisecond apart were merged; 1.00 did not find 1.0000.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_DateTimeKeysAMillisecondApart_AreTwoRecords(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Reading>(r => r.Key(x => x.TakenAt).Ignore(x => x.Id)), addItems: false);
        var csv = "TakenAt,Sensor,Note\n2024-01-01T10:00:00.001Z,1,first\n2024-01-01T10:00:00.002Z,2,second\n";

        var result = await host.Importer.For<Reading>().From(CsvSource.FromText(csv)).IntoAsync(host.Target<Reading>(MergeStrategy.Upsert));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(2L, result.Counts.Created);
        Assert.Equal(["first", "second"], (await AllAsync<Reading>(database)).OrderBy(r => r.TakenAt).Select(r => r.Note));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_DecimalKeyWrittenWithAnotherScale_FindsTheRecord(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database, new Reading { TakenAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), Sensor = 1.5m, Note = "old" });
        using var host = new TestHost(database, configure: b => b.AddResource<Reading>(r => r.Key(x => x.Sensor).Ignore(x => x.Id).Ignore(x => x.TakenAt)), addItems: false);

        var result = await host.Importer.For<Reading>().From(CsvSource.FromText("Sensor,Note\n1.50,new\n")).IntoAsync(host.Target<Reading>(MergeStrategy.Upsert));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(1L, result.Counts.Updated);
        Assert.Equal("new", Assert.Single(await AllAsync<Reading>(database)).Note);
    }

    [Fact]
    public async Task IntoAsync_DecimalKeysEqualAsNumbers_AreOneKeyInTheFile()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Reading>(r => r.Key(x => x.Sensor).Ignore(x => x.Id).Ignore(x => x.TakenAt)), addItems: false);

        var result = await host.Importer.For<Reading>().From(CsvSource.FromText("Sensor,Note\n1.0,a\n1.00,b\n")).IntoAsync(host.Target<Reading>(MergeStrategy.Upsert));

        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Contains("already used on row 1", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    // Defect 2: a composite key's lookup filtered on its first member only.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_CompositeKey_LoadsOnlyTheRecordsItMatches(string provider)
    {
        var materialized = new CountStocks();
        await using var database = await Database.CreateAsync(provider, postgres, materialized);
        await using (var context = database.Factory.CreateDbContext())
        {
            for (var w = 0; w < 5; w++)
            {
                context.AddRange(Enumerable.Range(0, 400).Select(c => new Stock { Code = $"C{c}", Warehouse = $"W{w}", Quantity = 1 }));
            }

            await context.SaveChangesAsync();
        }

        using var host = new TestHost(database, configure: b => b.AddResource<Stock>(r => r.Key(s => s.Code).Key(s => s.Warehouse).Ignore(s => s.Id)), addItems: false);
        var csv = new StringBuilder("Code,Warehouse,Quantity\n");
        for (var c = 0; c < 400; c++)
        {
            csv.Append($"C{c},W2,5\n");
        }

        materialized.Count = 0;
        var result = await host.Importer.For<Stock>().From(CsvSource.FromText(csv.ToString())).IntoAsync(host.Target<Stock>(MergeStrategy.Upsert));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(400L, result.Counts.Updated);
        Assert.InRange(materialized.Count, 400, 400);
        Assert.Equal(400, (await AllAsync<Stock>(database)).Count(s => s.Quantity == 5 && s.Warehouse == "W2"));
    }

    // Defect 3: rollback deleted records that others depend on (cascade) without refusing.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_CreatedRecordWithDependents_IsRefusedWithTheListUnlessForced(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Category>(r => r.Key(c => c.Name).Ignore(c => c.Id)), addItems: false);
        var result = await host.Importer.For<Category>().From(CsvSource.FromText("Name\nTools\nToys\n")).IntoAsync(host.Target<Category>(MergeStrategy.Upsert));
        await using (var context = database.Factory.CreateDbContext())
        {
            var tools = await context.Set<Category>().SingleAsync(c => c.Name == "Tools");
            context.Add(new Gadget { Name = "Hammer", CategoryId = tools.Id });
            await context.SaveChangesAsync();
        }

        var refused = await Assert.ThrowsAsync<RollbackRefusedException>(() => host.Rollback.RollbackAsync(result.JobId, "ann"));

        Assert.Contains("Gadget", Assert.Single(refused.Dependents), StringComparison.Ordinal);
        Assert.Equal(2, (await AllAsync<Category>(database)).Count);
        Assert.Single(await AllAsync<Gadget>(database));

        var forced = await host.Rollback.RollbackAsync(result.JobId, "ann", force: true);

        Assert.Equal(2, forced.Deleted);
        Assert.Contains("Gadget", Assert.Single(forced.Dependents), StringComparison.Ordinal);
        Assert.Empty(await AllAsync<Category>(database));
    }

    // Defect 4: a failed or cancelled partial import whose earlier batches committed could not be rolled back.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task RollbackAsync_FailedPartialImport_UndoesTheCommittedBatches(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres, new FaultInjectionTests.FailInBatch(3));
        await database.SeedAsync(new Item { Sku = "N-1", Name = "before", Price = 1, Quantity = 1 });
        var before = await database.ItemsAsync();
        using var host = new TestHost(database);
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 1; i <= 50; i++)
        {
            csv.Append($"N-{i},new,2,2\n");
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString()))
            .WithOptions(o => { o.BatchSize = 10; o.CommitMode = CommitMode.Partial; }).IntoAsync(host.Target(MergeStrategy.Upsert)));
        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Equal((JobStatus.Failed, 20), (job.Status, (await database.ItemsAsync()).Count));

        var rollback = await host.Rollback.RollbackAsync(job.Id, "ann");

        Assert.Equal((19, 1), (rollback.Deleted, rollback.Restored));
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
    }

    // Defect 5: the written-keys set lived per transaction, so a key kept by KeepLast in a later batch was refused or skipped.
    [Theory]
    [InlineData("sqlite", MergeStrategy.FailOnConflict)]
    [InlineData("sqlite", MergeStrategy.SkipExisting)]
    [InlineData("postgres", MergeStrategy.FailOnConflict)]
    public async Task IntoAsync_KeepLastAcrossPartialBatches_WritesTheLastRowAndRollsBackExactly(string provider, MergeStrategy strategy)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "OLD", Name = "kept", Price = 1, Quantity = 1 });
        var before = await database.ItemsAsync();
        using var host = new TestHost(database);

        var result = await host.Importer.For<Item>().From(CsvSource.FromText("Sku,Name,Price,Quantity\nA-1,first,1,1\nB-1,other,1,1\nA-1,last,3,3\n"))
            .WithOptions(o => { o.BatchSize = 1; o.CommitMode = CommitMode.Partial; o.DuplicateKeys = DuplicateKeyPolicy.KeepLast; })
            .IntoAsync(host.Target(strategy));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("last", (await database.ItemsAsync()).Single(i => i.Sku == "A-1").Name);
        await host.Rollback.RollbackAsync(result.JobId, "ann");
        Assert.Equal(before.Select(Describe), (await database.ItemsAsync()).Select(Describe));
    }

    // Defect 6: members set in AfterRow were never written on upsert.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_MemberSetByAfterRow_IsWrittenOnUpsert(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await database.SeedAsync(new Item { Sku = "A-1", Name = "old", Price = 1, Quantity = 1 });
        using var host = new TestHost(database, configure: b => b.AddResource<Item, StampingItems>(r => r.Key(i => i.Sku).Ignore(i => i.Id)), addItems: false);

        var result = await host.Importer.For<Item>().From(CsvSource.FromText("Sku,Name\nA-1,new\nB-1,fresh\n")).IntoAsync(host.Target(MergeStrategy.Upsert));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.All(await database.ItemsAsync(), i => Assert.Equal(StampingItems.Stamp, i.Released));
        Assert.Equal((1m, 1), (await database.ItemsAsync()).Where(i => i.Sku == "A-1").Select(i => (i.Price, i.Quantity)).Single());
    }

    // Defect 7: DataAnnotations ran on members without a column, so a partial-column upsert failed on [Required] Name.
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_UpsertOfAPartialColumnFile_UpdatesThoseColumnsAndValidatesTheMergedRecord(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database, new Member { Email = "ann@example.com", Name = "Ann", Points = 1 });
        using var host = new TestHost(database, configure: b => b.AddResource<Member>(r => r.Key(m => m.Email).Ignore(m => m.Id)), addItems: false);

        var result = await host.Importer.For<Member>().From(CsvSource.FromText("Email,Points\nann@example.com,7\nbob@example.com,3\n"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(host.Target<Member>(MergeStrategy.Upsert));

        Assert.Equal(JobStatus.CompletedWithErrors, result.Status);
        Assert.Equal(("Ann", 7), (await AllAsync<Member>(database)).Select(m => (m.Name, m.Points)).Single());
        var error = Assert.Single(result.Errors);
        Assert.Equal((2L, "Name"), (error.RowNumber!.Value, error.Column));
    }

    // Defect 8: COPY skipped columns generated on add, so explicit values were lost to database defaults.
    [Fact]
    public async Task CopyInsert_ColumnWithADatabaseDefault_KeepsTheImportedValues()
    {
        await using var database = await Database.CreateAsync("postgres", postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Ticket>(r => r.Key(t => t.Code).Ignore(t => t.Id)), addItems: false);

        var set = await host.Importer.For<Ticket>().From(CsvSource.FromText("Code,Status,Opened\nT-1,closed,2024-01-01T10:00:00Z\nT-2,closed,2024-01-02T10:00:00Z\n"))
            .IntoAsync(host.Target<Ticket>(MergeStrategy.FailOnConflict, new NpgsqlCopyInserter()));
        var unset = await host.Importer.For<Ticket>().From(CsvSource.FromText("Code,Opened\nT-3,2024-01-01T10:00:00Z\nT-4,2024-01-02T10:00:00Z\n"))
            .IntoAsync(host.Target<Ticket>(MergeStrategy.FailOnConflict, new NpgsqlCopyInserter()));
        var mixed = await host.Importer.For<Ticket>().From(CsvSource.FromText("Code,Status,Opened\nT-5,closed,2024-01-01T10:00:00Z\nT-6,,2024-01-02T10:00:00Z\n"))
            .IntoAsync(host.Target<Ticket>(MergeStrategy.FailOnConflict, new NpgsqlCopyInserter()));

        Assert.All([set, unset, mixed], r => Assert.True(r.Succeeded, string.Join("\n", r.Errors)));
        Assert.Equal(
            ["T-1:closed", "T-2:closed", "T-3:open", "T-4:open", "T-5:closed", "T-6:open"],
            (await AllAsync<Ticket>(database)).OrderBy(t => t.Code).Select(t => $"{t.Code}:{t.Status}"));
    }

    // Defect 9: COPY into timestamp(3) with time zone threw ArgumentException.
    [Fact]
    public async Task CopyInsert_TimestampWithPrecisionAndTimeZone_IsWritten()
    {
        await using var database = await Database.CreateAsync("postgres", postgres);
        using var host = new TestHost(database, configure: b => b.AddResource<Ticket>(r => r.Key(t => t.Code).Ignore(t => t.Id)), addItems: false);

        var result = await host.Importer.For<Ticket>().From(CsvSource.FromText("Code,Status,Opened\nT-1,open,2024-01-01T10:00:00.123Z\n"))
            .IntoAsync(host.Target<Ticket>(MergeStrategy.FailOnConflict, new NpgsqlCopyInserter()));

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new DateTime(2024, 1, 1, 10, 0, 0, 123, DateTimeKind.Utc), Assert.Single(await AllAsync<Ticket>(database)).Opened);
    }

    // Defect 10: collection members broke change detection and rollback (reference Equals).
    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task IntoAsync_CollectionMember_IsComparedByValueAndRollsBack(string provider)
    {
        await using var database = await Database.CreateAsync(provider, postgres);
        await SeedAsync(database, new Tagged { Code = "A", Name = "a", Tags = ["x", "y"] }, new Tagged { Code = "B", Name = "b", Tags = ["x"] });
        using var host = new TestHost(database, configure: b => b.AddResource<Tagged>(r => r.Key(t => t.Code).Ignore(t => t.Id).Converter(new PipeList())), addItems: false);

        var result = await host.Importer.For<Tagged>().From(CsvSource.FromText("Code,Name,Tags\nA,a,x|y\nB,b2,x\n")).IntoAsync(host.Target<Tagged>(MergeStrategy.Upsert));

        Assert.Equal([RowOutcomeKind.Unchanged, RowOutcomeKind.Updated], result.Rows.Select(r => r.Kind));
        var rollback = await host.Rollback.RollbackAsync(result.JobId, "ann");
        Assert.Equal((1, 0), (rollback.Restored, rollback.Overridden.Count));
        Assert.Equal(["A:a:x|y", "B:b:x"], (await AllAsync<Tagged>(database)).OrderBy(t => t.Code).Select(t => $"{t.Code}:{t.Name}:{string.Join('|', t.Tags)}"));
    }

    // Defect 12: rollback loaded every change record into memory.
    [Fact]
    public async Task RollbackAsync_ManyChanges_ReadsTheChangeRecordsInPages()
    {
        var commands = new ChangeRecordReads();
        await using var database = await Database.CreateAsync("sqlite", postgres, commands);
        using var host = new TestHost(database);
        var csv = new StringBuilder("Sku,Name,Price,Quantity\n");
        for (var i = 0; i < 2_500; i++)
        {
            csv.Append($"S-{i},n,1,1\n");
        }

        var result = await host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString())).IntoAsync(host.Target());
        commands.Reads.Clear();
        var rollback = await host.Rollback.RollbackAsync(result.JobId);

        Assert.Equal(2_500, rollback.Deleted);
        var pages = commands.Reads.Where(sql => sql.Contains("\"After\"", StringComparison.Ordinal)).ToList();
        Assert.True(pages.Count >= 3, $"{pages.Count} reads of the change records");
        Assert.All(pages, sql => Assert.Contains("LIMIT", sql, StringComparison.OrdinalIgnoreCase));
    }

    private static string Describe(Item item) => $"{item.Id}|{item.Sku}|{item.Name}|{item.Price}|{item.Quantity}|{item.Released:O}";

    /// <summary>Sets a member the file has no column for, as a resource deriving values would.</summary>
    public sealed class StampingItems : Resource<Item>
    {
        public static readonly DateTime Stamp = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

        protected override void AfterRow(RowContext<Item> row) => row.Item.Released = Stamp;
    }

    /// <summary>Tags written as "a|b|c".</summary>
    private sealed class PipeList : ValueConverter<List<string>>
    {
        public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out List<string> value)
        {
            value = [.. text.ToString().Split('|')];
            return true;
        }

        public override string? Format(List<string> value, ValueFormat format) => string.Join('|', value);

        public override string Describe(ValueFormat format) => "tags separated by |";
    }

    private sealed class CountStocks : IMaterializationInterceptor
    {
        public int Count;

        public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
        {
            if (entity is Stock)
            {
                Interlocked.Increment(ref Count);
            }

            return entity;
        }
    }

    private sealed class ChangeRecordReads : DbCommandInterceptor
    {
        public List<string> Reads { get; } = [];

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("bulkdata_row_changes", StringComparison.Ordinal) && command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
            {
                lock (Reads)
                {
                    Reads.Add(command.CommandText);
                }
            }

            return ValueTask.FromResult(result);
        }
    }
}
