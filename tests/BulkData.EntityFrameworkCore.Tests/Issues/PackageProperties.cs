using BulkData.EntityFrameworkCore.Import;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.EntityFrameworkCore;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 12's round trip as a property: any shop (texts with delimiters, quotes, line breaks, formula characters
/// and non-Latin letters; negative and many-digit totals; dates to the millisecond; orders shipped nowhere),
/// exported as a package and imported into a database that already holds other records, reads back equal, relations
/// included; and the package's rollback leaves that database exactly as it was. One pair of SQLite databases,
/// emptied between cases.
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class PackageProperties(PostgresServer postgres) : IAsyncLifetime
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly string[] Pieces = ["a", "Z", "7", " ", ",", ";", "\"", "'", "\n", "\r\n", "\t", "=", "-", "+", "@", "é", "Σ", "東", "😀", "x y"];

    private Database source = null!;
    private Database target = null!;
    private TestHost from = null!;
    private TestHost into = null!;

    private sealed record Shop(string[] Regions, (string Name, int Region)[] Customers, (int Customer, int? ShipTo, decimal Total, int Milliseconds)[] Orders, int Others);

    private static readonly Arbitrary<Shop> Shops =
        (from regions in Text().NonEmptyListOf().Select(r => r.Distinct(StringComparer.Ordinal).Where(c => c.Trim().Length > 0).ToArray()).Where(r => r.Length > 0)
         from customers in (from name in Text() from region in Gen.Choose(0, 99) select (name, region)).ListOf()
         from orders in (from customer in Gen.Choose(0, 99)
                         from ship in Gen.OneOf(Gen.Constant<int?>(null), Gen.Choose(0, 99).Select(i => (int?)i))
                         from total in Gen.Elements(0m, -12.5m, 1234567.89m, 0.01m, 42m)
                         from ms in Gen.Choose(0, 1_000_000_000)
                         select (customer, ship, total, ms)).ListOf()
         from others in Gen.Choose(1, 3)
         select new Shop(regions, customers.Select(c => (c.name, c.region % regions.Length)).ToArray(), orders.Where(_ => customers.Count > 0).Select(o => (o.customer % customers.Count, o.ship % regions.Length, o.total, o.ms)).ToArray(), others)).ToArbitrary();

    [Property(MaxTest = 40, Replay = "(20261201,2027)")]
    public Property Package_RoundTripAndRollback_KeepContentRelationsAndTheTargetAsItWas() => Prop.ForAll(Shops, shop =>
    {
        Empty(source);
        Empty(target);
        using (var db = source.Factory.CreateDbContext())
        {
            var regions = shop.Regions.Select(code => new Region { Code = code, Name = $"name of {code}" }).ToArray();
            var customers = shop.Customers.Select((c, i) => new Customer { Number = $"C{i}{c.Name}", Name = c.Name, Region = regions[c.Region] }).ToArray();
            db.AddRange(regions);
            db.AddRange(customers);
            db.AddRange(shop.Orders.Select((o, i) => new SalesOrder { Reference = $"O{i}", Customer = customers[o.Customer], ShipToRegion = o.ShipTo is { } s ? regions[s] : null, Total = o.Total, PlacedAt = Epoch.AddMilliseconds(o.Milliseconds) }));
            db.SaveChanges();
        }

        using (var db = target.Factory.CreateDbContext())
        {
            db.AddRange(Enumerable.Range(0, shop.Others).Select(i => new Customer { Number = $"other {i}", Region = new Region { Code = $"other {i}" } }));
            db.SaveChanges();
        }

        var before = PackageTests.DescribeAsync(into).GetAwaiter().GetResult();
        using var package = new MemoryStream();
        using (var db = source.Factory.CreateDbContext())
        {
            var exported = from.Exporter.Package().Add(db.Set<Region>()).Add(db.Set<Customer>()).Add(db.Set<SalesOrder>()).ToAsync(package).GetAwaiter().GetResult();
            Assert.True(exported.Succeeded, exported.Job.FailureReason);
        }

        var result = into.Importer.Package(new MemoryStream(package.ToArray()), "shop.zip").IntoAsync(new EntityFrameworkPackageTarget<ShopContext>(target.Factory)).GetAwaiter().GetResult();
        Assert.True(result.Succeeded, result.FailureReason + string.Join("\n", result.Job.Errors));
        var expected = PackageTests.DescribeAsync(from).GetAwaiter().GetResult();
        Assert.Equal(expected.Concat(before).Order(StringComparer.Ordinal), PackageTests.DescribeAsync(into).GetAwaiter().GetResult().Order(StringComparer.Ordinal));

        into.Rollback.RollbackAsync(result.JobId).GetAwaiter().GetResult();
        Assert.Equal(before, PackageTests.DescribeAsync(into).GetAwaiter().GetResult());
    });

    private static Gen<string> Text() => Gen.Elements(Pieces).ListOf().Select(p => string.Concat(p));

    public async Task InitializeAsync()
    {
        source = await Database.CreateAsync("sqlite", postgres);
        target = await Database.CreateAsync("sqlite", postgres);
        from = PackageTests.Host(source);
        into = PackageTests.Host(target);
    }

    public async Task DisposeAsync()
    {
        from.Dispose();
        into.Dispose();
        await source.DisposeAsync();
        await target.DisposeAsync();
    }

    private static void Empty(Database database)
    {
        using var context = database.Factory.CreateDbContext();
        context.Database.ExecuteSqlRaw("""DELETE FROM "OrderDocument"; DELETE FROM "SalesOrder"; DELETE FROM "Customer"; DELETE FROM "Region"; DELETE FROM "bulkdata_row_changes"; DELETE FROM "bulkdata_job_events"; DELETE FROM "bulkdata_jobs";""");
    }
}
