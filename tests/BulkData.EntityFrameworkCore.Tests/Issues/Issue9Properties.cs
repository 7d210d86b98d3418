using System.Globalization;
using System.Text;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Import;
using BulkData.Jobs;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 9's database properties, on SQLite and PostgreSQL alike: rows whose typed keys differ are never
/// merged and rows whose typed keys are equal always are; and an import (any merge strategy, partial or
/// not, with or without a failure in batch k) followed by its rollback leaves the application's tables
/// byte-identical to before, compared as a full dump. Each property reuses one database and empties it
/// between cases.
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class Issue9Properties(PostgresServer postgres) : IAsyncLifetime
{
    private const int Cases = 200;

    // SQLite with no interceptor: nothing watches its commands, so the writer binds statements natively.
    private const string NativeSqlite = "sqlite, unwatched";

    private static readonly DateTime Moment = new(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    private static readonly decimal[] Sensors = [1.5m, 2m, 0.0001m, -3.25m];

    private static readonly string[] Skus = ["A", "B", "C", "D", "E", "F"];

    private readonly FaultInjectionTests.FailInBatch fault = new();
    private readonly Dictionary<string, (Database Database, TestHost Host)> databases = [];

    /// <summary>A row of a keyed file: a key from a small pool (so keys collide) written in one of several spellings.</summary>
    private sealed record KeyedRow(int Millisecond, int Sensor, int Spelling, string Note);

    private sealed record RollbackCase(
        (string Sku, string Name, decimal Price)[] Seed,
        (string Sku, string Name, decimal Price)[] File,
        MergeStrategy Strategy,
        CommitMode Mode,
        DuplicateKeyPolicy Duplicates,
        int BatchSize,
        int? FailingBatch);

    private static readonly Arbitrary<(KeyedRow[] Seed, KeyedRow[] File)> KeyedCases =
        (from seed in KeyedRowGen().ArrayOf()
         from file in KeyedRowGen().ArrayOf().Where(f => f.Length > 0)
         select (seed.DistinctBy(r => (r.Millisecond, r.Sensor)).ToArray(), file)).ToArbitrary();

    private static readonly Arbitrary<RollbackCase> RollbackCases =
        (from seed in ItemGen().ArrayOf()
         from file in ItemGen().ArrayOf().Where(f => f.Length > 0)
         from strategy in Gen.Elements(Enum.GetValues<MergeStrategy>())
         from mode in Gen.Elements(Enum.GetValues<CommitMode>())
         from duplicates in Gen.Elements(Enum.GetValues<DuplicateKeyPolicy>())
         from batchSize in Gen.Choose(1, 4)
         from failing in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(1, 3).Select(k => (int?)k))
         select new RollbackCase(seed.DistinctBy(s => s.Sku).ToArray(), file, strategy, mode, duplicates, batchSize, failing)).ToArbitrary();

    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property KeyIdentity_OnSqlite_MergesExactlyTheEqualTypedKeys() => KeyIdentity("sqlite");

    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property KeyIdentity_OnPostgres_MergesExactlyTheEqualTypedKeys() => KeyIdentity("postgres");

    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property RollbackIdentity_OnSqlite_LeavesEveryTableAsBefore() => RollbackIdentity("sqlite");

    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property RollbackIdentity_OnPostgres_LeavesEveryTableAsBefore() => RollbackIdentity("postgres");

    /// <summary>Without an interceptor, SQLite's statements run on the native handle (SqliteStatement): the same identities hold.</summary>
    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property KeyIdentity_OnSqliteNatively_MergesExactlyTheEqualTypedKeys() => KeyIdentity(NativeSqlite);

    /// <summary>Without an interceptor no batch fails on the native handle; every other dimension of the case holds.</summary>
    [Property(MaxTest = Cases, Replay = "(20261201,2027)")]
    public Property RollbackIdentity_OnSqliteNatively_LeavesEveryTableAsBefore() => RollbackIdentity(NativeSqlite);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var (database, host) in databases.Values)
        {
            host.Dispose();
            await database.DisposeAsync();
        }
    }

    private Property KeyIdentity(string provider) => Prop.ForAll(KeyedCases, @case =>
    {
        var (database, host) = Open(provider, b => b.AddResource<Reading>(r => r.Key(x => x.TakenAt).Key(x => x.Sensor).Ignore(x => x.Id)));
        Empty(database);
        Seed(database, @case.Seed.Select(r => new Reading { TakenAt = Moment.AddMilliseconds(r.Millisecond), Sensor = Sensors[r.Sensor], Note = r.Note }).ToArray());
        var csv = new StringBuilder("TakenAt,Sensor,Note\n");
        foreach (var row in @case.File)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{Moment.AddMilliseconds(row.Millisecond):O},{Spell(Sensors[row.Sensor], row.Spelling)},{row.Note}\n");
        }

        var result = host.Importer.For<Reading>().From(CsvSource.FromText(csv.ToString()))
            .WithOptions(o => o.DuplicateKeys = DuplicateKeyPolicy.KeepLast)
            .IntoAsync(new EntityFrameworkImportTarget<ShopContext, Reading>(database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert }))
            .GetAwaiter().GetResult();
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));

        // One record per distinct typed key; the file's last row for a key wins over the seed.
        var expected = @case.Seed.Concat(@case.File)
            .GroupBy(r => (r.Millisecond, r.Sensor))
            .Select(g => $"{g.Key.Millisecond}|{Sensors[g.Key.Sensor]:0.####}|{g.Last().Note}")
            .Order();
        var actual = All<Reading>(database).Select(r => $"{(r.TakenAt - Moment).TotalMilliseconds}|{r.Sensor:0.####}|{r.Note}").Order();
        Assert.Equal(expected, actual);
    });

    private Property RollbackIdentity(string provider) => Prop.ForAll(RollbackCases, @case =>
    {
        var (database, host) = Open(provider, configure: null);
        Empty(database);
        Seed(database, @case.Seed.Select(s => new Item { Sku = s.Sku, Name = s.Name, Price = s.Price, Quantity = 1, Released = Moment }).ToArray());
        var before = Dump(database);
        var csv = new StringBuilder("Sku,Name,Price\n");
        foreach (var row in @case.File)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{row.Sku},{row.Name},{row.Price}\n");
        }

        fault.Arm(@case.FailingBatch);
        try
        {
            host.Importer.For<Item>().From(CsvSource.FromText(csv.ToString()))
                .WithOptions(o => { o.CommitMode = @case.Mode; o.BatchSize = @case.BatchSize; o.DuplicateKeys = @case.Duplicates; })
                .IntoAsync(host.Target(@case.Strategy)).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException e) when (e.Message == FaultInjectionTests.FailInBatch.Message)
        {
        }
        finally
        {
            fault.Arm(null);
        }

        var job = host.Jobs.QueryAsync(new JobQuery()).ToListAsync().AsTask().GetAwaiter().GetResult().Single();
        try
        {
            host.Rollback.RollbackAsync(job.Id).GetAwaiter().GetResult();
        }
        catch (RollbackRefusedException refused) when (refused.Message.Contains("without writing anything", StringComparison.Ordinal))
        {
        }

        Assert.Equal(before, Dump(database));
    });

    private static Gen<KeyedRow> KeyedRowGen() =>
        from millisecond in Gen.Choose(0, 3)
        from sensor in Gen.Choose(0, Sensors.Length - 1)
        from spelling in Gen.Choose(0, 2)
        from note in Gen.Elements("n1", "n2", "n3", "n4")
        select new KeyedRow(millisecond, sensor, spelling, note);

    private static Gen<(string Sku, string Name, decimal Price)> ItemGen() =>
        from sku in Gen.Elements(Skus)
        from name in Gen.Elements("a", "b", "c")
        from price in Gen.Elements(1m, 1.5m, 2.25m, 10m)
        select (sku, name, price);

    /// <summary>The same decimal written three ways: as is, with trailing zeros, and with four decimals.</summary>
    private static string Spell(decimal value, int spelling) => spelling switch
    {
        0 => value.ToString(CultureInfo.InvariantCulture),
        1 => value.ToString("0.00##", CultureInfo.InvariantCulture),
        _ => value.ToString("F4", CultureInfo.InvariantCulture),
    };

    private (Database Database, TestHost Host) Open(string provider, Action<BulkData.DependencyInjection.BulkDataBuilder>? configure)
    {
        if (!databases.TryGetValue(provider, out var opened))
        {
            var database = (provider == NativeSqlite ? Database.CreateAsync("sqlite", postgres) : Database.CreateAsync(provider, postgres, fault)).GetAwaiter().GetResult();
            opened = (database, new TestHost(database, configure: configure, addItems: configure is null));
            databases[provider] = opened;
        }

        return opened;
    }

    private static void Empty(Database database)
    {
        using var context = database.Factory.CreateDbContext();
        context.Database.ExecuteSqlRaw("""DELETE FROM "bulkdata_row_changes"; DELETE FROM "bulkdata_job_events"; DELETE FROM "bulkdata_jobs"; DELETE FROM "Items"; DELETE FROM "Reading";""");
    }

    private static void Seed(Database database, object[] entities)
    {
        using var context = database.Factory.CreateDbContext();
        context.AddRange(entities);
        context.SaveChanges();
    }

    private static List<T> All<T>(Database database)
        where T : class
    {
        using var context = database.Factory.CreateDbContext();
        return context.Set<T>().AsNoTracking().ToList();
    }

    /// <summary>Every row of the application's tables, every column as the provider returns it.</summary>
    private static string Dump(Database database)
    {
        using var context = database.Factory.CreateDbContext();
        var connection = context.Database.GetDbConnection();
        connection.Open();
        var dump = new StringBuilder();
        foreach (var table in new[] { "Items", "Reading", "Gadget", "Category" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY \"Id\"";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                dump.Append(table);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    dump.Append('|').Append(reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture));
                }

                dump.Append('\n');
            }
        }

        return dump.ToString();
    }
}
