using System.Text.Json;
using BulkData.EntityFrameworkCore.Import;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>
/// Issue 22: the set-based writer's SQLite statements on the native handle store every value exactly as EF Core
/// through Microsoft.Data.Sqlite does (storage class and value, compared with <c>typeof</c> and <c>quote</c>), its
/// json_each lookup finds exactly the rows an equality finds, and its change-record JSON is the serializer's.
/// </summary>
public sealed class SqliteValueTests : IDisposable
{
    private readonly string file = Path.Combine(Path.GetTempPath(), $"bulkdata-values-{Guid.NewGuid():N}.db");
    private readonly DbContextOptions<SampleContext> options;
    private int nextId;

    public SqliteValueTests()
    {
        options = new DbContextOptionsBuilder<SampleContext>().UseSqlite($"Data Source={file};Pooling=False").Options;
        using var db = new SampleContext(options);
        db.Database.EnsureCreated();
    }

    public enum Shade
    {
        Light,
        Dark,
    }

    private static readonly Arbitrary<Sample> Samples =
        (from number in ArbMap.Default.GeneratorFor<int>()
         from big in ArbMap.Default.GeneratorFor<long>()
         from small in ArbMap.Default.GeneratorFor<short>()
         from tiny in ArbMap.Default.GeneratorFor<byte>()
         from flag in ArbMap.Default.GeneratorFor<bool>()
         from amount in ArbMap.Default.GeneratorFor<decimal>()
         from ratio in ArbMap.Default.GeneratorFor<NormalFloat>()
         from text in ArbMap.Default.GeneratorFor<string?>()
         from at in ArbMap.Default.GeneratorFor<DateTime>()
         from token in ArbMap.Default.GeneratorFor<Guid>()
         from data in ArbMap.Default.GeneratorFor<byte[]?>()
         from maybe in ArbMap.Default.GeneratorFor<int?>()
         from shade in Gen.Elements(Shade.Light, Shade.Dark)
         select new Sample
         {
             Number = number, Big = big, Small = small, Tiny = tiny, Flag = flag, Amount = amount, Ratio = ratio.Get, Single = (float)(ratio.Get % 1e30),
             Text = text, At = at, Day = DateOnly.FromDateTime(at), Token = token, Data = data, Maybe = maybe, Shade = shade, ShadeText = shade,
         }).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property NativeInsert_StoresEveryColumnAsEfCoreDoes() => Prop.ForAll(Samples, sample =>
    {
        var viaEf = SavedByEfCore(sample);

        var viaNative = Clone(sample);
        using (var db = new SampleContext(options))
        {
            using var transaction = db.Database.BeginTransaction();
            var table = Table(db);
            var (sql, inserted, returned) = table.InsertOf(0);
            using var statement = SqliteStatement.TryPrepare((SqliteConnection)db.Database.GetDbConnection(), sql, inserted, returned, c => $"@p{c}");
            Assert.NotNull(statement);
            statement.Run(viaNative);
            transaction.Commit();
        }

        Assert.Equal(Stored(viaEf.Id), Stored(viaNative.Id));
    });

    /// <summary>Rows the writer stored read back natively exactly as EF Core reads them (every column, decimal scale and DateTime kind included).</summary>
    [Property(MaxTest = 200)]
    public Property NativeRead_ReadsEveryColumnAsEfCoreDoes() => Prop.ForAll(Samples, sample =>
    {
        var stored = SavedByEfCore(sample);

        using var context = new SampleContext(options);
        var table = Table(context);
        var expected = EntitySnapshots.Values(table, context.Samples.AsNoTracking().Single(s => s.Id == stored.Id));
        var found = ReadNatively(context, table, stored.Id);
        Assert.NotNull(found);
        Assert.Equal(expected, EntitySnapshots.Values(table, Assert.Single(found)));
    });

    /// <summary>
    /// A value another tool stored (SQLite's column affinity makes some of them the writer's own forms) reads as EF Core
    /// reads it: natively when the form is one the writer stores, else the batch is given back to Microsoft.Data.Sqlite,
    /// which also fails where EF Core fails.
    /// </summary>
    [Theory]
    [InlineData("\"Amount\" = 5", false)]
    [InlineData("\"At\" = '2024-01-02T03:04:05'", true)]
    [InlineData("\"At\" = '2024-01-02 03:04:05Z'", true)]
    [InlineData("\"At\" = 2460000.5", true)]
    [InlineData("\"Day\" = '2024-1-2'", true)]
    [InlineData("\"Token\" = lower(\"Token\")", false)]
    [InlineData("\"Token\" = randomblob(16)", true)]
    [InlineData("\"Number\" = '12'", false)]
    [InlineData("\"Number\" = 'twelve'", true)]
    [InlineData("\"Tiny\" = 300", true)]
    [InlineData("\"Ratio\" = 'x'", true)]
    [InlineData("\"Text\" = 7", false)]
    [InlineData("\"Maybe\" = NULL", false)]
    public async Task NativeRead_OfAnotherToolsValue_ReadsAsEfCoreDoes(string assignment, bool givenBack)
    {
        var stored = SavedByEfCore(new Sample { Amount = 2.50m, At = new DateTime(2024, 1, 2, 3, 4, 5), Day = new DateOnly(2024, 1, 2), Token = Guid.NewGuid(), Text = "t", Ratio = 1.5 });
        using (var db = new SampleContext(options))
        {
            // The assignment is the test's own SQL: the point is a form EF Core would not write.
            var update = "UPDATE \"Samples\" SET " + assignment + " WHERE \"Id\" = " + stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            db.Database.ExecuteSqlRaw(update);
        }

        using var context = new SampleContext(options);
        var table = Table(context);
        Assert.Equal(givenBack, ReadNatively(context, table, stored.Id) is null);

        await using var transaction = await context.Database.BeginTransactionAsync();
        var statements = new TableStatements(table, context);
        try
        {
            Assert.True(statements.BindsNatively);
            var lookup = statements.SelectAsync(table.ColumnOf(table.Type.FindProperty(nameof(Sample.Id))!), [stored.Id], CancellationToken.None);
            Sample expected;
            try
            {
                expected = await context.Samples.AsNoTracking().SingleAsync(s => s.Id == stored.Id);
            }
            catch (Exception e) when (e is FormatException or OverflowException or InvalidOperationException or InvalidCastException)
            {
                // EF Core cannot read it either; the lookup fails too rather than make up a value.
                await Assert.ThrowsAnyAsync<Exception>(() => lookup);
                return;
            }

            Assert.Equal(EntitySnapshots.Values(table, expected), EntitySnapshots.Values(table, Assert.Single(await lookup)));
        }
        finally
        {
            await statements.DisposeAsync();
        }
    }

    [Property(MaxTest = 100)]
    public Property JsonLookup_FindsExactlyTheRowsEqualityFinds() => Prop.ForAll(Samples, Samples, (present, absent) =>
    {
        var stored = SavedByEfCore(present);

        using var context = new SampleContext(options);
        using var transaction = context.Database.BeginTransaction();
        var table = Table(context);
        var statements = new TableStatements(table, context);
        try
        {
            foreach (var name in new[] { nameof(Sample.Number), nameof(Sample.Big), nameof(Sample.Flag), nameof(Sample.Amount), nameof(Sample.Text), nameof(Sample.At), nameof(Sample.Day), nameof(Sample.Token), nameof(Sample.ShadeText) })
            {
                var column = table.ColumnOf(table.Type.FindProperty(name)!);
                var wanted = new[] { column.Read(stored), column.Read(absent) }.OfType<object>().Distinct().ToArray();
                var found = statements.SelectAsync(column, wanted, CancellationToken.None).GetAwaiter().GetResult().Cast<Sample>().Select(s => s.Id).ToHashSet();
                var expected = Equal(context, name, wanted);
                Assert.True(expected.SetEquals(found), $"{name}: expected {string.Join(",", expected)}, found {string.Join(",", found)}");
            }
        }
        finally
        {
            statements.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    });

    /// <summary>Texts in the forms the writer stores, and each with one character changed, dropped or added.</summary>
    private static readonly Arbitrary<(SqliteValueKind Kind, string Text)> StoredTexts =
        (from kind in Gen.Elements(SqliteValueKind.Decimal, SqliteValueKind.DateTime, SqliteValueKind.DateOnly, SqliteValueKind.GuidText)
         from amount in ArbMap.Default.GeneratorFor<decimal>()
         from at in ArbMap.Default.GeneratorFor<DateTime>()
         from ticks in Gen.Elements(0L, 1L, 10L, 5_000_000L, 1_234_567L, 9_999_999L)
         from token in ArbMap.Default.GeneratorFor<Guid>()
         let stored = SqliteValue.Text(kind, kind switch
         {
             SqliteValueKind.Decimal => amount,
             SqliteValueKind.DateTime => at.AddTicks(-(at.Ticks % 10_000_000)).AddTicks(ticks),
             SqliteValueKind.DateOnly => DateOnly.FromDateTime(at),
             _ => token,
         })
         from edit in Gen.Elements(0, 1, 2, 3)
         from at2 in Gen.Choose(0, stored.Length - 1)
         from character in Gen.Elements('0', '9', '1', '-', ':', ' ', '.', 'e', 'a', 'F', 'x', '+', 'é')
         select (kind, edit switch
         {
             0 => stored,
             1 => stored.Remove(at2, 1).Insert(at2, character.ToString()),
             2 => stored.Remove(at2, 1),
             _ => stored.Insert(at2, character.ToString()),
         })).ToArbitrary();

    /// <summary>A stored text is read from SQLite's UTF-8 exactly as the BCL's parsers read it as a string, value and failure alike.</summary>
    [Property(MaxTest = 2_000)]
    public Property TextParse_FromUtf8_IsTheBclsOfTheString() => Prop.ForAll(StoredTexts, stored =>
    {
        var (kind, text) = stored;
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        object? expected = kind switch
        {
            SqliteValueKind.Decimal => decimal.TryParse(text, System.Globalization.NumberStyles.Number | System.Globalization.NumberStyles.AllowExponent, invariant, out var number) ? number : null,
            SqliteValueKind.DateTime => DateTime.TryParseExact(text, @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF", invariant, System.Globalization.DateTimeStyles.None, out var moment) ? moment : null,
            SqliteValueKind.DateOnly => DateOnly.TryParseExact(text, @"yyyy\-MM\-dd", invariant, System.Globalization.DateTimeStyles.None, out var day) ? day : null,
            _ => Guid.TryParseExact(text, "D", out var id) ? id : null,
        };
        var actual = SqliteValue.TryParse(kind, System.Text.Encoding.UTF8.GetBytes(text));

        // Decimals are compared by their bits, so 1.5 and 1.50 differ; times by their ticks and kind.
        Assert.Equal(Describe(expected), Describe(actual));
    });

    private static string Describe(object? value) => value switch
    {
        null => "none",
        decimal number => string.Join(',', decimal.GetBits(number)),
        DateTime moment => $"{moment.Ticks}/{moment.Kind}",
        _ => $"{value}",
    };

    [Property(MaxTest = 200)]
    public Property ChangeRecordJson_IsTheSerializers() => Prop.ForAll(Samples, sample =>
    {
        using var db = new SampleContext(options);
        var table = Table(db);
        var expected = JsonSerializer.Serialize(table.Columns.ToDictionary(c => c.Property.Name, c => c.Read(sample)));
        Assert.Equal(expected, EntitySnapshots.Values(table, sample));
        Assert.Equal(JsonSerializer.Serialize(Array.ConvertAll(table.PrimaryKey, c => c.Read(sample))), EntitySnapshots.Key(table, sample));
        Assert.Equal($"[{EntitySnapshots.Key(table, sample)},{EntitySnapshots.Key(table, sample)}]", EntitySnapshots.KeyList(table, [sample, sample]));
    });

    [Fact]
    public void NativeStatement_OfATypeOnlyMicrosoftDataSqliteBinds_IsNotPrepared()
    {
        using var db = new SampleContext(options);
        var stamped = EntityTable.For(db, db.Model.FindEntityType(typeof(Stamped))!)!;
        var stamp = stamped.ColumnOf(stamped.Type.FindProperty(nameof(Stamped.Stamp))!);
        Assert.Null(SqliteStatement.TryPrepare((SqliteConnection)db.Database.GetDbConnection(), "SELECT @p0", [stamp], [], c => $"@p{c}"));
    }

    /// <summary>A listener sees every command: an interceptor or <c>LogTo</c> keeps Microsoft.Data.Sqlite's commands, as does a write outside a transaction.</summary>
    [Fact]
    public void NativeStatements_OnlyWhenNothingWatchesAndInATransaction()
    {
        Assert.Equal(
            (true, false, false, false),
            (BindsNatively(options, transaction: true),
             BindsNatively(new DbContextOptionsBuilder<SampleContext>(options).AddInterceptors(new FaultInjectionTests.FailInBatch()).Options, transaction: true),
             BindsNatively(new DbContextOptionsBuilder<SampleContext>(options).LogTo(_ => { }).Options, transaction: true),
             BindsNatively(options, transaction: false)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(file);
    }

    /// <summary>The row with the id, read by the native query; null when the query gives it back to Microsoft.Data.Sqlite.</summary>
    private static List<object>? ReadNatively(SampleContext db, EntityTable table, int id)
    {
        db.Database.OpenConnection();
        var sql = $"SELECT {string.Join(", ", table.Columns.Select(c => c.Name))} FROM {table.Name} WHERE \"Id\" IN (SELECT value FROM json_each(@p0))";
        using var query = SqliteQuery.TryPrepare((SqliteConnection)db.Database.GetDbConnection(), sql, table.Columns);
        Assert.NotNull(query);
        var found = new List<object>();
        return query.TryRead($"[{id}]", table.Create, found) ? found : null;
    }

    private static EntityTable Table(SampleContext db) => EntityTable.For(db, db.Model.FindEntityType(typeof(Sample))!)!;

    /// <summary>A copy of the sample under a new id, stored by EF Core's <c>SaveChanges</c>.</summary>
    private Sample SavedByEfCore(Sample sample)
    {
        var copy = Clone(sample);
        using var db = new SampleContext(options);
        db.Add(copy);
        db.SaveChanges();
        return copy;
    }

    private Sample Clone(Sample sample)
    {
        var copy = (Sample)sample.MemberwiseCopy();
        copy.Id = Interlocked.Increment(ref nextId);
        return copy;
    }

    /// <summary>The ids of the rows whose column equals one of the values, by EF Core's own query.</summary>
    private static HashSet<int> Equal(SampleContext db, string name, object[] values)
    {
        var ids = new HashSet<int>();
        var sample = System.Linq.Expressions.Expression.Parameter(typeof(Sample));
        var member = System.Linq.Expressions.Expression.Property(sample, name);
        foreach (var value in values)
        {
            var equal = System.Linq.Expressions.Expression.Lambda<Func<Sample, bool>>(System.Linq.Expressions.Expression.Equal(member, System.Linq.Expressions.Expression.Convert(System.Linq.Expressions.Expression.Property(System.Linq.Expressions.Expression.Constant(new Holder(value)), nameof(Holder.Value)), member.Type)), sample);
            ids.UnionWith(db.Samples.AsNoTracking().Where(equal).Select(s => s.Id));
        }

        return ids;
    }

    /// <summary>A value captured as EF Core captures a closure's: a query parameter, not a constant in the SQL.</summary>
    private sealed record Holder(object Value);

    /// <summary>Every column of a row as SQLite holds it: its storage class and its SQL literal.</summary>
    private string Stored(int id)
    {
        using var db = new SampleContext(options);
        var connection = db.Database.GetDbConnection();
        connection.Open();
        using var command = connection.CreateCommand();
        var columns = db.Model.FindEntityType(typeof(Sample))!.GetProperties().Where(p => p.Name != nameof(Sample.Id)).Select(p => p.GetColumnName()).ToArray();
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => $"typeof(\"{c}\") || ':' || quote(\"{c}\")"))} FROM \"Samples\" WHERE \"Id\" = {id}";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return string.Join(" | ", columns.Select((c, i) => $"{c}={reader.GetString(i)}"));
    }

    /// <summary>A column of every type the native statements bind.</summary>
    public sealed class Sample
    {
        public int Id { get; set; }

        public int Number { get; set; }

        public long Big { get; set; }

        public short Small { get; set; }

        public byte Tiny { get; set; }

        public bool Flag { get; set; }

        public decimal Amount { get; set; }

        public double Ratio { get; set; }

        public float Single { get; set; }

        public string? Text { get; set; }

        public DateTime At { get; set; }

        public DateOnly Day { get; set; }

        public Guid Token { get; set; }

        public byte[]? Data { get; set; }

        public int? Maybe { get; set; }

        public Shade Shade { get; set; }

        public Shade ShadeText { get; set; }

        public object MemberwiseCopy() => MemberwiseClone();
    }

    /// <summary>A type the native statements leave to Microsoft.Data.Sqlite.</summary>
    public sealed class Stamped
    {
        public int Id { get; set; }

        public DateTimeOffset? Stamp { get; set; }
    }

    private static bool BindsNatively(DbContextOptions<SampleContext> options, bool transaction)
    {
        using var db = new SampleContext(options);
        db.Database.OpenConnection();
        using var open = transaction ? db.Database.BeginTransaction() : null;
        var statements = new TableStatements(Table(db), db);
        var native = statements.BindsNatively;
        statements.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return native;
    }

    private sealed class SampleContext(DbContextOptions<SampleContext> options) : DbContext(options)
    {
        public DbSet<Sample> Samples => Set<Sample>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Sample>(sample =>
            {
                sample.Property(s => s.Id).ValueGeneratedNever();
                sample.Property(s => s.ShadeText).HasConversion<string>();
            });
            modelBuilder.Entity<Stamped>();
        }
    }
}
