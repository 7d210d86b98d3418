using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Import;
using BulkData.PostgreSql;
using BulkData.Tests.Shared;
using CsvHelper;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace BulkData.Benchmarks;

/// <summary>
/// End-to-end database throughput (issue 15): a 10-column CSV imported with upsert keyed on a natural key (the rows'
/// GUID <c>Key</c>), validation on, into SQLite (a file) and PostgreSQL (a server started from the machine's binaries
/// like the tests', fsync off), for three scenarios: an empty table, the same file again (all rows unchanged), and a
/// file with half its rows changed. Each run is its own process (its JIT, its context's model build, its peak). Methods:
/// the raw floor (a prepared <c>INSERT ... ON CONFLICT</c> on SQLite; binary COPY into a temporary table and one
/// <c>INSERT ... ON CONFLICT</c> on PostgreSQL), EF Core by hand (<c>GetRecords</c>, one key lookup per batch,
/// <c>AddRange</c> + <c>SaveChanges</c>), and BulkData with and without rollback change records. Every run checks
/// the stored rows' count and checksum against the file's.
/// </summary>
internal static class DatabaseHarness
{
    private static readonly string[] Methods = ["raw", "ef", "linq2db", "bulkdata", "bulkdata-no-records"];
    private static readonly string[] Scenarios = ["fresh", "unchanged", "half-changed"];

    public static async Task<int> RunAllAsync(bool quick, string? rows, string? providers, string? methods = null, string? scenarios = null)
    {
        var chosenMethods = methods?.Split(',') ?? Methods;
        var chosenScenarios = scenarios?.Split(',') ?? Scenarios;
        int[] sizes = rows is not null ? rows.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToArray() : quick ? [10_000] : [100_000, 1_000_000];
        var chosen = (providers ?? "sqlite,postgres").Split(',');
        var folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "bulkdata-database-bench")).FullName;
        PostgresServer? postgres = null;
        if (chosen.Contains("postgres"))
        {
            postgres = new PostgresServer();
            await postgres.InitializeAsync();
        }

        try
        {
            Console.WriteLine("| database | scenario | rows | method | rows/s | time ÷ raw's | EF by hand's time ÷ this | first row after | peak working set |");
            Console.WriteLine("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var size in sizes)
            {
                var original = Path.Combine(folder, $"rows-{size}.csv");
                var changed = Path.Combine(folder, $"rows-{size}-half.csv");
                await File.WriteAllBytesAsync(original, Csv(BenchmarkRow.Generate(size)));
                await File.WriteAllBytesAsync(changed, Csv(HalfChanged(size)));
                foreach (var provider in chosen)
                {
                    foreach (var scenario in chosenScenarios)
                    {
                        var file = scenario == "half-changed" ? changed : original;
                        var expected = Checksum(scenario == "half-changed" ? HalfChanged(size) : BenchmarkRow.Generate(size));
                        var results = new Dictionary<string, Run>();
                        // linq2db's bulk copy inserts only: it is measured into an empty table.
                        foreach (var method in chosenMethods.Where(m => m != "linq2db" || scenario == "fresh"))
                        {
                            var connection = await CreateDatabaseAsync(provider, folder, postgres);
                            Run run;
                            int count;
                            string checksum;
                            try
                            {
                                if (scenario != "fresh")
                                {
                                    await RunRawAsync(provider, connection, original);
                                }

                                run = await RunChildAsync(provider, connection, method, file);
                                (count, checksum) = await StoredAsync(provider, connection);
                            }
                            finally
                            {
                                DeleteSqliteFile(provider, connection);
                            }

                            if (count != size || checksum != expected)
                            {
                                throw new InvalidOperationException($"{provider} {scenario} {method}: {count} rows stored, checksum {(checksum == expected ? "matches" : "differs")}.");
                            }

                            results[method] = run;
                            var rate = size / run.Seconds;
                            Console.WriteLine(string.Create(
                                CultureInfo.InvariantCulture,
                                $"| {provider} | {scenario} | {size:N0} | {method} | {rate:N0} | {(results.TryGetValue("raw", out var raw) ? $"{run.Seconds / raw.Seconds:F2}" : "")} | {(results.TryGetValue("ef", out var ef) ? $"{ef.Seconds / run.Seconds:F2}" : "")} | {run.FirstRowSeconds:F2} s | {run.PeakMegabytes:F0} MB |"));
                        }
                    }
                }
            }
        }
        finally
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }
        }

        return 0;
    }

    /// <summary>One import in this (child) process; prints the seconds it took, the seconds to its first written row, and the peak working set.</summary>
    public static async Task<int> RunOneAsync(string provider, string connection, string method, string file)
    {
        var clock = Stopwatch.StartNew();
        var firstRow = method switch
        {
            "raw" => await RunRawAsync(provider, connection, file),
            "ef" => await RunEntityFrameworkAsync(provider, connection, file),
            "linq2db" => await RunLinqToDbAsync(provider, connection, file),
            _ => await RunBulkDataAsync(provider, connection, file, records: method == "bulkdata"),
        };
        clock.Stop();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalSeconds} {firstRow.TotalSeconds} {process.PeakWorkingSet64 / 1048576.0}"));
        return 0;
    }

    private static async Task<TimeSpan> RunBulkDataAsync(string provider, string connection, string file, bool records)
    {
        var clock = Stopwatch.StartNew();
        var services = new ServiceCollection();
        if (records)
        {
            services.AddDbContextFactory<RecordingContext>(o => Use(o, provider, connection));
        }
        else
        {
            services.AddDbContextFactory<PlainContext>(o => Use(o, provider, connection));
        }

        services.AddBulkData(b =>
        {
            b.AddResource<BenchmarkRow>(r => r.Key(x => x.Key).Rule(x => x.Price >= 0, "Price must not be negative."));
            if (records)
            {
                b.UseEntityFrameworkJobStore<RecordingContext>();
            }
        });
        await using var provided = services.BuildServiceProvider();
        var options = new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert, BulkInserter = provider == "postgres" ? new NpgsqlCopyInserter() : null };
        IImportTarget<BenchmarkRow> target = records
            ? new EntityFrameworkImportTarget<RecordingContext, BenchmarkRow>(provided.GetRequiredService<IDbContextFactory<RecordingContext>>(), options)
            : new EntityFrameworkImportTarget<PlainContext, BenchmarkRow>(provided.GetRequiredService<IDbContextFactory<PlainContext>>(), options);
        var first = TimeSpan.Zero;
        var result = await provided.GetRequiredService<IBulkImporter>().For<BenchmarkRow>()
            .From(CsvSource.FromFile(file))
            .WithOptions(o => o.RecordRowOutcomes = false)
            .WithProgress(new Progress(() => first = first == TimeSpan.Zero ? clock.Elapsed : first))
            .IntoAsync(target);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"BulkData: {result}: {string.Join("; ", result.Errors.Take(3))}");
        }

        return first;
    }

    private static async Task<TimeSpan> RunEntityFrameworkAsync(string provider, string connection, string file)
    {
        var clock = Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        await using var db = new PlainContext(Use(new DbContextOptionsBuilder<PlainContext>(), provider, connection).Options);
        using var records = CsvReader.Create(File.OpenRead(file), new CsvReaderOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: false);
        await using var transaction = await db.Database.BeginTransactionAsync();
        foreach (var batch in records.GetRecords<BenchmarkRow>().Chunk(1_000))
        {
            var keys = batch.Select(r => r.Key).ToList();
            var existing = await db.Rows.Where(r => keys.Contains(r.Key)).ToDictionaryAsync(r => r.Key);
            foreach (var row in batch)
            {
                Validate(row);

                if (existing.TryGetValue(row.Key, out var current))
                {
                    db.Entry(current).CurrentValues.SetValues(row);
                }
                else
                {
                    db.Add(row);
                }
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
            first = first == TimeSpan.Zero ? clock.Elapsed : first;
        }

        await transaction.CommitAsync();
        return first;
    }

    /// <summary>
    /// linq2db's bulk copy over the EF Core model (what a .NET user picks for speed when EFCore.BulkExtensions' licence
    /// rules it out): the rows read as by EF by hand and validated, then copied in one transaction with the provider's
    /// fastest mode (binary COPY on PostgreSQL; multi-row INSERTs on SQLite). It inserts only, so it runs into an empty table.
    /// </summary>
    private static async Task<TimeSpan> RunLinqToDbAsync(string provider, string connection, string file)
    {
        var clock = Stopwatch.StartNew();
        var first = TimeSpan.Zero;
        LinqToDB.EntityFrameworkCore.LinqToDBForEFTools.Initialize();
        await using var db = new PlainContext(Use(new DbContextOptionsBuilder<PlainContext>(), provider, connection).Options);
        using var records = CsvReader.Create(File.OpenRead(file), new CsvReaderOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: false);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var options = new LinqToDB.Data.BulkCopyOptions { BulkCopyType = provider == "sqlite" ? LinqToDB.Data.BulkCopyType.MultipleRows : LinqToDB.Data.BulkCopyType.ProviderSpecific };
        foreach (var batch in records.GetRecords<BenchmarkRow>().Chunk(1_000))
        {
            foreach (var row in batch)
            {
                Validate(row);
            }

            await LinqToDB.EntityFrameworkCore.LinqToDBForEFTools.BulkCopyAsync(db, options, batch);
            first = first == TimeSpan.Zero ? clock.Elapsed : first;
        }

        await transaction.CommitAsync();
        return first;
    }

    /// <summary>What the hand-written methods check per row, as BulkData does: the resource's rule and DataAnnotations.</summary>
    private static void Validate(BenchmarkRow row)
    {
        if (row.Price < 0 || !System.ComponentModel.DataAnnotations.Validator.TryValidateObject(row, new(row), null, validateAllProperties: true))
        {
            throw new InvalidOperationException($"Row {row.Id} is not valid.");
        }
    }

    /// <summary>The raw floor: no ORM, one transaction, the database's own fastest upsert path.</summary>
    private static async Task<TimeSpan> RunRawAsync(string provider, string connection, string file)
    {
        var clock = Stopwatch.StartNew();
        using var records = CsvReader.Create(File.OpenRead(file), new CsvReaderOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: false);
        var rows = records.GetRecords<BenchmarkRow>();
        const string Columns = "\"Id\", \"Count\", \"Price\", \"Ratio\", \"Active\", \"Created\", \"Due\", \"Key\", \"Tier\", \"Name\"";
        const string Set = "\"Count\" = excluded.\"Count\", \"Price\" = excluded.\"Price\", \"Ratio\" = excluded.\"Ratio\", \"Active\" = excluded.\"Active\", \"Created\" = excluded.\"Created\", \"Due\" = excluded.\"Due\", \"Tier\" = excluded.\"Tier\", \"Name\" = excluded.\"Name\"";
        const string Changed = "(\"Rows\".\"Count\", \"Rows\".\"Price\", \"Rows\".\"Ratio\", \"Rows\".\"Active\", \"Rows\".\"Created\", \"Rows\".\"Due\", \"Rows\".\"Tier\", \"Rows\".\"Name\") IS DISTINCT FROM (excluded.\"Count\", excluded.\"Price\", excluded.\"Ratio\", excluded.\"Active\", excluded.\"Created\", excluded.\"Due\", excluded.\"Tier\", excluded.\"Name\")";
        if (provider == "sqlite")
        {
            await using var db = new SqliteConnection(connection);
            await db.OpenAsync();
            await using var transaction = db.BeginTransaction();
            await using var command = db.CreateCommand();
            command.Transaction = transaction;
            var names = new[] { "Id", "Count", "Price", "Ratio", "Active", "Created", "Due", "Key", "Tier", "Name" };
            var parameters = names.Select(n => command.Parameters.Add(new SqliteParameter($"@{n}", null))).ToArray();
            command.CommandText = $"INSERT INTO \"Rows\" ({Columns}) VALUES ({string.Join(", ", names.Select(n => $"@{n}"))}) ON CONFLICT (\"Key\") DO UPDATE SET {Set} WHERE {Changed.Replace(" IS DISTINCT FROM ", " IS NOT ", StringComparison.Ordinal)}";
            await command.PrepareAsync();
            var first = TimeSpan.Zero;
            foreach (var row in rows)
            {
                // The values as EF Core's SQLite provider stores them, so that every method's rows compare equal.
                object[] values = [row.Id, row.Count, row.Price.ToString("0.0###", CultureInfo.InvariantCulture), row.Ratio, row.Active ? 1 : 0, row.Created.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), row.Due.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Key.ToString().ToUpperInvariant(), (int)row.Tier, row.Name];
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i].Value = values[i];
                }

                await command.ExecuteNonQueryAsync();
                first = first == TimeSpan.Zero ? clock.Elapsed : first;
            }

            await transaction.CommitAsync();
            return first;
        }

        await using (var db = new NpgsqlConnection(connection))
        {
            await db.OpenAsync();
            await using var transaction = await db.BeginTransactionAsync();
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE staging (LIKE \"Rows\") ON COMMIT DROP", db, transaction))
            {
                await create.ExecuteNonQueryAsync();
            }

            var first = TimeSpan.Zero;
            await using (var copy = await db.BeginBinaryImportAsync($"COPY staging ({Columns}) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync();
                    await copy.WriteAsync(row.Id, NpgsqlTypes.NpgsqlDbType.Integer);
                    await copy.WriteAsync(row.Count, NpgsqlTypes.NpgsqlDbType.Bigint);
                    await copy.WriteAsync(row.Price, NpgsqlTypes.NpgsqlDbType.Numeric);
                    await copy.WriteAsync(row.Ratio, NpgsqlTypes.NpgsqlDbType.Double);
                    await copy.WriteAsync(row.Active, NpgsqlTypes.NpgsqlDbType.Boolean);
                    await copy.WriteAsync(row.Created, NpgsqlTypes.NpgsqlDbType.Timestamp);
                    await copy.WriteAsync(row.Due, NpgsqlTypes.NpgsqlDbType.Date);
                    await copy.WriteAsync(row.Key, NpgsqlTypes.NpgsqlDbType.Uuid);
                    await copy.WriteAsync((int)row.Tier, NpgsqlTypes.NpgsqlDbType.Integer);
                    await copy.WriteAsync(row.Name, NpgsqlTypes.NpgsqlDbType.Text);
                    first = first == TimeSpan.Zero ? clock.Elapsed : first;
                }

                await copy.CompleteAsync();
            }

            await using (var upsert = new NpgsqlCommand($"INSERT INTO \"Rows\" ({Columns}) SELECT {Columns} FROM staging ON CONFLICT (\"Key\") DO UPDATE SET {Set} WHERE {Changed}", db, transaction))
            {
                await upsert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            return first;
        }
    }

    private static DbContextOptionsBuilder<T> Use<T>(DbContextOptionsBuilder<T> options, string provider, string connection)
        where T : DbContext
    {
        Use((DbContextOptionsBuilder)options, provider, connection);
        return options;
    }

    private static void Use(DbContextOptionsBuilder options, string provider, string connection) =>
        _ = provider == "sqlite" ? options.UseSqlite(connection) : options.UseNpgsql(connection);

    private static async Task<string> CreateDatabaseAsync(string provider, string folder, PostgresServer? postgres)
    {
        var connection = provider == "sqlite"
            ? $"Data Source={Path.Combine(folder, $"bench-{Guid.NewGuid():N}.db")};Pooling=False"
            : await postgres!.CreateDatabaseAsync();
        await using var db = new RecordingContext(Use(new DbContextOptionsBuilder<RecordingContext>(), provider, connection).Options);
        await db.Database.EnsureCreatedAsync();
        return connection;
    }

    /// <summary>Removes a run's SQLite file (a million rows take 160 MB); PostgreSQL's databases go with the server's folder.</summary>
    private static void DeleteSqliteFile(string provider, string connection)
    {
        if (provider == "sqlite")
        {
            File.Delete(new SqliteConnectionStringBuilder(connection).DataSource);
        }
    }

    private static async Task<(int Count, string Checksum)> StoredAsync(string provider, string connection)
    {
        await using var db = new PlainContext(Use(new DbContextOptionsBuilder<PlainContext>(), provider, connection).Options);
        var rows = await db.Rows.AsNoTracking().ToListAsync();
        return (rows.Count, Checksum(rows));
    }

    /// <summary>The rows' values, in key order, hashed: equal for two tables exactly when they hold the same rows.</summary>
    private static string Checksum(IEnumerable<BenchmarkRow> rows)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var row in rows.OrderBy(r => r.Key))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{row.Id}|{row.Count}|{row.Price:0.00}|{row.Ratio:R}|{row.Active}|{row.Created:yyyy-MM-ddTHH:mm:ss}|{row.Due:yyyy-MM-dd}|{row.Key}|{row.Tier}|{row.Name}\n")));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The same rows, every other one with a new price and name.</summary>
    private static IEnumerable<BenchmarkRow> HalfChanged(int size) =>
        BenchmarkRow.Generate(size).Select(r =>
        {
            if (r.Id % 2 == 0)
            {
                r.Price += 1;
                r.Name += " (changed)";
            }

            return r;
        });

    private static byte[] Csv(IEnumerable<BenchmarkRow> rows)
    {
        using var stream = new MemoryStream();
        using (var writer = CsvWriter.Create(stream, new CsvWriterOptions { FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true))
        {
            writer.WriteRecords(rows);
        }

        return stream.ToArray();
    }

    private static async Task<Run> RunChildAsync(string provider, string connection, string method, string file)
    {
        var (exitCode, output, error) = await SelfProcess.RunAsync($"--database-run {provider} \"{connection}\" {method} \"{file}\"");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{provider} {method} failed: {error.Trim()} {output.Trim()}");
        }

        var figures = output.Trim().Split('\n')[^1].Split(' ').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return new Run(figures[0], figures[1], figures[2]);
    }

    private sealed record Run(double Seconds, double FirstRowSeconds, double PeakMegabytes);

    private sealed class Progress(Action report) : IProgress<Jobs.JobProgress>
    {
        public void Report(Jobs.JobProgress value) => report();
    }

    /// <summary>The table alone: EF Core by hand, and BulkData without change records.</summary>
    private sealed class PlainContext(DbContextOptions<PlainContext> options) : DbContext(options)
    {
        public DbSet<BenchmarkRow> Rows => Set<BenchmarkRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => Configure(modelBuilder, Database.IsNpgsql());
    }

    /// <summary>The table and BulkData's job tables: imports record their changes for rollback.</summary>
    private sealed class RecordingContext(DbContextOptions<RecordingContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            Configure(modelBuilder, Database.IsNpgsql());
            modelBuilder.AddBulkDataJobs();
        }
    }

    /// <summary>The rows' table; on PostgreSQL their times have no zone (the file's have none).</summary>
    private static void Configure(ModelBuilder modelBuilder, bool postgres) => modelBuilder.Entity<BenchmarkRow>(row =>
    {
        row.ToTable("Rows");
        row.Property(r => r.Id).ValueGeneratedNever();
        row.Property(r => r.Price).HasPrecision(18, 2);
        if (postgres)
        {
            row.Property(r => r.Created).HasColumnType("timestamp without time zone");
        }

        row.HasIndex(r => r.Key).IsUnique();
    });
}
