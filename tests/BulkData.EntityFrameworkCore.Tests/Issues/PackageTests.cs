using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Export;
using BulkData.Jobs;
using BulkData.Packages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.EntityFrameworkCore.Tests.Issues;

/// <summary>
/// Issue 12: data packages on real databases. Four related resources (regions, their customers, the customers'
/// orders shipped to a region, and documents attached to orders, kept in the file store) exported as one
/// Frictionless package and imported elsewhere with their relations carried by natural keys.
/// </summary>
[Trait("Category", "PostgreSql")]
[Collection(PostgresCollection.Name)]
public sealed class PackageTests(PostgresServer postgres)
{
    private static readonly DateTime Placed = new(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    /// <summary>A host with the four resources, the EF Core job and file stores, and export sources on its database.</summary>
    internal static TestHost Host(Database database) => new(database, configure: b =>
    {
        b.Services.AddScoped(_ => database.Factory.CreateDbContext());
        b.AddResource<Region>(r => r.Key(x => x.Code).Ignore(x => x.Id))
            .AddResource<Customer>(r => r.Key(c => c.Number).Ignore(c => c.Id)
                .Column(c => c.RegionId, c => c.Name("Region"))
                .References<Region, int>(c => c.RegionId, x => x.Id))
            .AddResource<SalesOrder>(r => r.Key(o => o.Reference).Ignore(o => o.Id)
                .Column(o => o.CustomerId, c => c.Name("Customer"))
                .Column(o => o.ShipToRegionId, c => c.Name("Ship To"))
                .References<Customer, int>(o => o.CustomerId, c => c.Id)
                .References<Region, int?>(o => o.ShipToRegionId, x => x.Id))
            .AddResource<OrderDocument>(r => r.Key(d => d.Title).Ignore(d => d.Id)
                .Column(d => d.OrderId, c => c.Name("Order"))
                .References<SalesOrder, int>(d => d.OrderId, o => o.Id)
                .Attachment(d => d.FileId))
            .AddExportSource(p => p.GetRequiredService<ShopContext>().Set<Region>())
            .AddExportSource(p => p.GetRequiredService<ShopContext>().Set<Customer>())
            .AddExportSource(p => p.GetRequiredService<ShopContext>().Set<SalesOrder>())
            .UseEntityFrameworkFileStore<ShopContext>();
    });

    private static IFileStore Files(TestHost host) => host.Services.GetRequiredService<IFileStore>();

    /// <summary>Seeds a shop: 3 regions, 4 customers, 6 orders (one shipped nowhere), 3 documents with files.</summary>
    private static async Task SeedAsync(TestHost host)
    {
        await using var db = host.Database.Factory.CreateDbContext();
        var regions = new[] { new Region { Code = "N", Name = "North" }, new Region { Code = "S", Name = "Süd" }, new Region { Code = "E", Name = "東" } };
        db.AddRange(regions);
        var customers = Enumerable.Range(1, 4).Select(i => new Customer { Number = $"C-{i}", Name = $"Customer {i}, \"quoted\"", Region = regions[i % 3] }).ToArray();
        db.AddRange(customers);
        var orders = Enumerable.Range(1, 6).Select(i => new SalesOrder { Reference = $"O-{i}", Customer = customers[i % 4], ShipToRegion = i == 6 ? null : regions[(i + 1) % 3], Total = i * 10.25m - 30, PlacedAt = Placed.AddDays(i) }).ToArray();
        db.AddRange(orders);
        await db.SaveChangesAsync();
        for (var i = 1; i <= 3; i++)
        {
            var file = await Files(host).SaveAsync(new MemoryStream(Encoding.UTF8.GetBytes($"document {i} " + new string('x', i * 1000))), $"invoice {i}.pdf");
            db.Add(new OrderDocument { Title = $"Invoice {i}", OrderId = orders[i].Id, FileId = file.Id });
        }

        await db.SaveChangesAsync();
    }

    /// <summary>The shop as natural keys and values: equal in two databases when content and relations are, whatever the ids.</summary>
    internal static async Task<List<string>> DescribeAsync(TestHost host)
    {
        await using var db = host.Database.Factory.CreateDbContext();
        var lines = new List<string>();
        lines.AddRange(await db.Set<Region>().OrderBy(r => r.Code).Select(r => $"region {r.Code} {r.Name}").ToListAsync());
        lines.AddRange(await db.Set<Customer>().OrderBy(c => c.Number).Select(c => $"customer {c.Number} {c.Name} in {c.Region!.Code}").ToListAsync());
        lines.AddRange((await db.Set<SalesOrder>().OrderBy(o => o.Reference).Select(o => new { o.Reference, Customer = o.Customer!.Number, Ship = o.ShipToRegion!.Code, o.Total, o.PlacedAt }).ToListAsync())
            .Select(o => $"order {o.Reference} of {o.Customer} to {o.Ship ?? "-"} {o.Total:0.00} {o.PlacedAt:O}"));
        foreach (var document in await db.Set<OrderDocument>().OrderBy(d => d.Title).Select(d => new { d.Title, Order = d.Order!.Reference, d.FileId }).ToListAsync())
        {
            await using var file = await Files(host).OpenAsync(document.FileId!.Value);
            lines.Add($"document {document.Title} of {document.Order}: {Convert.ToHexStringLower(await SHA256.HashDataAsync(file))} {(await Files(host).GetAsync(document.FileId.Value))!.Name}");
        }

        return lines;
    }

    private static async Task<byte[]> ExportAsync(TestHost host, bool referencedRows = true, bool json = false)
    {
        using var output = new MemoryStream();
        await using var db = host.Database.Factory.CreateDbContext();
        var package = host.Exporter.Package()
            .Add(db.Set<SalesOrder>())
            .Add(db.Set<OrderDocument>())
            .WithReferencedRows(referencedRows)
            .OwnedBy("ann", "tenant-a");
        var result = await (json ? package.AsJson() : package).ToAsync(output);
        Assert.True(result.Succeeded, result.Job.FailureReason);
        return output.ToArray();
    }

    private static async Task<PackageImportResult> ImportAsync(TestHost host, byte[] package, bool preview = false, Action<EntityFrameworkPackageTarget<ShopContext>>? configure = null)
    {
        var target = new EntityFrameworkPackageTarget<ShopContext>(host.Database.Factory);
        configure?.Invoke(target);
        var operation = host.Importer.Package(new MemoryStream(package), "shop.zip").OwnedBy("bob", "tenant-b");
        return preview ? await operation.PreviewAsync(target) : await operation.IntoAsync(target);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Package_RoundTrip_IntoAnEmptyDatabaseAndOneWithOtherIds_KeepsContentAndRelations(string provider)
    {
        await using var source = await Database.CreateAsync(provider, postgres);
        using var from = Host(source);
        await SeedAsync(from);
        var package = await ExportAsync(from);
        var expected = await DescribeAsync(from);

        await using var empty = await Database.CreateAsync(provider, postgres);
        using var intoEmpty = Host(empty);
        var first = await ImportAsync(intoEmpty, package);
        Assert.True(first.Succeeded, first.FailureReason + string.Join("\n", first.Job.Errors));
        Assert.Equal(["region", "customer", "salesorder", "orderdocument"], first.Resources.Select(r => r.Name));
        Assert.Equal(expected, await DescribeAsync(intoEmpty));

        // Other ids: the target already holds records, so every id differs from the source's.
        await using var busy = await Database.CreateAsync(provider, postgres);
        using var intoBusy = Host(busy);
        await using (var db = busy.Factory.CreateDbContext())
        {
            var other = new Region { Code = "Z", Name = "Elsewhere" };
            db.AddRange(Enumerable.Range(0, 5).Select(i => new Customer { Number = $"X-{i}", Name = "other", Region = other }));
            db.Add(new SalesOrder { Reference = "X-ORDER", Customer = new Customer { Number = "X-9", Name = "x", Region = other }, PlacedAt = Placed });
            await db.SaveChangesAsync();
        }

        var second = await ImportAsync(intoBusy, package);
        Assert.True(second.Succeeded, second.FailureReason);
        var after = await DescribeAsync(intoBusy);
        Assert.Equal(expected, after.Where(line => !line.Contains("X-", StringComparison.Ordinal) && !line.StartsWith("region Z", StringComparison.Ordinal)));
        await using (var a = source.Factory.CreateDbContext())
        await using (var b = busy.Factory.CreateDbContext())
        {
            Assert.NotEqual(
                await a.Set<SalesOrder>().OrderBy(o => o.Reference).Select(o => o.CustomerId).ToListAsync(),
                await b.Set<SalesOrder>().Where(o => o.Reference.StartsWith("O-")).OrderBy(o => o.Reference).Select(o => o.CustomerId).ToListAsync());
        }
    }

    /// <summary>Tables written as JSON (typed values) import as CSV ones do, relations and attachments included.</summary>
    [Fact]
    public async Task Package_WithJsonTables_RoundTripsLikeCsv()
    {
        await using var source = await Database.CreateAsync("sqlite", postgres);
        using var from = Host(source);
        await SeedAsync(from);
        var package = await ExportAsync(from, json: true);
        using (var zip = new ZipArchive(new MemoryStream(package)))
        {
            Assert.NotNull(zip.GetEntry("data/salesorder.json"));
            using var manifest = JsonDocument.Parse(zip.GetEntry("datapackage.json")!.Open());
            var orders = manifest.RootElement.GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "salesorder");
            Assert.Equal(("json", "application/json"), (orders.GetProperty("format").GetString(), orders.GetProperty("mediatype").GetString()));
        }

        await using var empty = await Database.CreateAsync("sqlite", postgres);
        using var into = Host(empty);
        var result = await ImportAsync(into, package);

        Assert.True(result.Succeeded, result.FailureReason + string.Join("\n", result.Job.Errors));
        Assert.Equal(await DescribeAsync(from), await DescribeAsync(into));
    }

    [Trait("Category", "Node")]
    [Fact]
    public async Task Package_Export_IsAValidFrictionlessPackage_ForTheReferenceLibrary()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = Host(database);
        await SeedAsync(host);
        var path = Path.Combine(Path.GetTempPath(), $"bulkdata-package-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(path, await ExportAsync(host));
        try
        {
            var folder = Frictionless();
            await NodeScripts.InstallAsync(folder, "datapackage");
            using var report = JsonDocument.Parse(await NodeScripts.RunAsync("node", $"validate.js \"{path}\"", folder));
            var root = report.RootElement;
            Assert.True(root.GetProperty("valid").GetBoolean(), root.GetProperty("errors").ToString());
            var resources = root.GetProperty("resources");
            foreach (var (name, rows) in new[] { ("region", 3), ("customer", 4), ("salesorder", 6), ("orderdocument", 3) })
            {
                var table = resources.GetProperty(name);
                Assert.False(table.TryGetProperty("error", out var error), $"{name}: {error} {table}");
                Assert.Equal(rows, table.GetProperty("rows").GetInt32());
            }

            // Relations resolved by the library itself: an order's customer is the customer's row.
            var order = resources.GetProperty("salesorder").GetProperty("first");
            Assert.Equal("C-2", order.GetProperty("Customer").GetProperty("Number").GetString());
            Assert.Equal(3, resources.EnumerateObject().Count(r => !r.Value.GetProperty("tabular").GetBoolean()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Package_Manifest_DescribesSchemasRelationsHashesAndOurMetadata()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = Host(database);
        await SeedAsync(host);
        using var zip = new ZipArchive(new MemoryStream(await ExportAsync(host)));
        using var manifest = JsonDocument.Parse(zip.GetEntry("datapackage.json")!.Open());
        var resources = manifest.RootElement.GetProperty("resources").EnumerateArray().ToDictionary(r => r.GetProperty("name").GetString()!);
        var orders = resources["salesorder"];
        Assert.Equal("data/salesorder.csv", orders.GetProperty("path").GetString());
        Assert.Equal(["Reference"], orders.GetProperty("schema").GetProperty("primaryKey").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(
            ["Customer->customer.Number", "Ship To->region.Code"],
            orders.GetProperty("schema").GetProperty("foreignKeys").EnumerateArray()
                .Select(k => $"{k.GetProperty("fields")[0]}->{k.GetProperty("reference").GetProperty("resource")}.{k.GetProperty("reference").GetProperty("fields")[0]}"));
        var fields = orders.GetProperty("schema").GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("type").GetString());
        Assert.Equal(("string", "number", "datetime"), (fields["Customer"], fields["Total"], fields["PlacedAt"]));
        Assert.DoesNotContain("Id", fields.Keys);
        foreach (var resource in resources.Values)
        {
            var entry = zip.GetEntry(resource.GetProperty("path").GetString()!)!;
            using var content = new MemoryStream();
            await using (var stream = entry.Open())
            {
                await stream.CopyToAsync(content);
            }

            Assert.Equal(content.Length, resource.GetProperty("bytes").GetInt64());
            Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(content.ToArray())), resource.GetProperty("hash").GetString());
        }

        var metadata = manifest.RootElement.GetProperty("bulkdata");
        Assert.Equal(1, metadata.GetProperty("formatVersion").GetInt32());
        Assert.Equal("tenant-a", metadata.GetProperty("tenant").GetString());
        Assert.Equal(6, metadata.GetProperty("resources").GetProperty("salesorder").GetProperty("rows").GetInt32());
        Assert.True(metadata.GetProperty("resources").GetProperty("region").GetProperty("referencedRowsOnly").GetBoolean());
    }

    [Fact]
    public async Task Package_WithAFilter_BringsTheReferencedRowsTheFilterLeftOut()
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = Host(database);
        await SeedAsync(host);
        await using var db = database.Factory.CreateDbContext();
        using var output = new MemoryStream();
        var phases = new List<string>();
        var result = await host.Exporter.Package()
            .Add(db.Set<SalesOrder>(), o => o.Where(ExportFilter.Where("Reference", FilterOperator.Equal, "O-2")))
            .Add(db.Set<Customer>(), c => c.Where(ExportFilter.Where("Number", FilterOperator.Equal, "C-4")))
            .WithReferencedRows()
            .WithProgress(new Progress(p => phases.Add(p.Phase)))
            .ToAsync(output);

        // Progress names each table as it is written, children first.
        Assert.Equal(["exporting salesorder: 1 rows", "exporting customer: 1 rows", "exporting customer: 2 rows", "exporting region: 2 rows", "done"], phases);

        // O-2 is C-3's order, shipped to N; C-3 lives in N, C-4 in S; E is referenced by neither.
        Assert.Equal(new Dictionary<string, long> { ["salesorder"] = 1, ["customer"] = 2, ["region"] = 2 }, result.Rows);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Package_FailureInTheThirdResource_LeavesTheDatabaseAsItWas(string provider)
    {
        await using var source = await Database.CreateAsync(provider, postgres);
        using var from = Host(source);
        await SeedAsync(from);
        var package = Rewrite(await ExportAsync(from), "data/salesorder.csv", csv => csv.Replace("O-3,", "O-3-broken,").Replace(",C-3,", ",C-404,"));

        await using var target = await Database.CreateAsync(provider, postgres);
        using var into = Host(target);
        var result = await ImportAsync(into, package);

        Assert.False(result.Succeeded);
        Assert.Equal(JobStatus.ValidationFailed, result.Status);
        Assert.Equal(["region", "customer", "salesorder"], result.Resources.Select(r => r.Name));
        Assert.Equal((3, 4), (result["region"].New, result["customer"].New));
        Assert.Contains(result.Job.Errors, e => e.Message.Contains("There is no Customer with Number 'C-404'", StringComparison.Ordinal));
        await using var db = target.Factory.CreateDbContext();
        Assert.Equal((0, 0, 0, 0), (await db.Set<Region>().CountAsync(), await db.Set<Customer>().CountAsync(), await db.Set<SalesOrder>().CountAsync(), await db.Set<OrderDocument>().CountAsync()));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Package_Preview_CountsEachResourceAndListsUnresolvedRelations_WritingNothing(string provider)
    {
        await using var source = await Database.CreateAsync(provider, postgres);
        using var from = Host(source);
        await SeedAsync(from);
        var package = Rewrite(await ExportAsync(from), "data/salesorder.csv", csv => csv.Replace(",C-3,", ",C-404,"));

        await using var target = await Database.CreateAsync(provider, postgres);
        using var into = Host(target);
        await using (var db = target.Factory.CreateDbContext())
        {
            db.Add(new Region { Code = "N", Name = "North" });
            db.Add(new Region { Code = "S", Name = "South, renamed" });
            await db.SaveChangesAsync();
        }

        var before = await DescribeAsync(into);
        var preview = await ImportAsync(into, package, preview: true, target => target.Merge<Region>(MergeStrategy.Upsert));

        Assert.Equal(JobKind.Preview, preview.Job.Kind);
        Assert.Equal(JobStatus.ValidationFailed, preview.Status);
        Assert.Equal((1, 1, 1, 0), (preview["region"].New, preview["region"].Updated, preview["region"].Unchanged, preview["region"].Failing));
        Assert.Equal((4L, 0L), (preview["customer"].New, preview["customer"].Failing));
        Assert.Equal((4L, 2L), (preview["salesorder"].New, preview["salesorder"].Failing));
        Assert.Equal([(2L, "Customer", "C-404"), (6L, "Customer", "C-404")], preview["salesorder"].UnresolvedReferences.Select(u => (u.RowNumber, u.Column, u.Value)));
        Assert.Equal(before, await DescribeAsync(into));
        await using var check = target.Factory.CreateDbContext();
        Assert.Equal(0, await check.Set<OrderDocument>().CountAsync());
        Assert.Empty(await check.Set<EntityFrameworkCore.Jobs.FileRecord>().ToListAsync());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Package_Rollback_UndoesEveryResource(string provider)
    {
        await using var source = await Database.CreateAsync(provider, postgres);
        using var from = Host(source);
        await SeedAsync(from);
        var package = await ExportAsync(from);

        await using var target = await Database.CreateAsync(provider, postgres);
        using var into = Host(target);
        await using (var db = target.Factory.CreateDbContext())
        {
            db.Add(new Region { Code = "N", Name = "Nord (kept)" });
            await db.SaveChangesAsync();
        }

        var before = await DescribeAsync(into);
        var result = await ImportAsync(into, package, configure: t => t.Merge<Region>(MergeStrategy.Upsert));
        Assert.True(result.Succeeded, result.FailureReason);
        Assert.NotEqual(before, await DescribeAsync(into));

        var rollback = await into.Rollback.RollbackAsync(result.JobId, "bob");

        Assert.Equal((2 + 4 + 6 + 3, 1), (rollback.Deleted, rollback.Restored));
        Assert.Equal(before, await DescribeAsync(into));
    }

    /// <summary>A package written by hand as another tool would: lower-case names, MD5 hashes, no BulkData metadata.</summary>
    [Fact]
    public async Task Package_HandWrittenFrictionlessPackage_Imports()
    {
        var regions = "Code,Name\nW,West\n"u8.ToArray();
        var customers = "Number,Name,Region\nH-1,Hand written,W\n"u8.ToArray();
        var manifest = $$"""
            {
              "name": "hand-made",
              "resources": [
                { "name": "customer", "path": "customers.csv", "hash": "{{Convert.ToHexStringLower(MD5.HashData(customers))}}",
                  "schema": { "fields": [ { "name": "Number", "type": "string" }, { "name": "Name", "type": "string" }, { "name": "Region", "type": "string" } ],
                              "primaryKey": "Number", "foreignKeys": [ { "fields": "Region", "reference": { "resource": "region", "fields": "Code" } } ] } },
                { "name": "region", "path": "regions.csv", "bytes": {{regions.Length}},
                  "schema": { "fields": [ { "name": "Code", "type": "string" }, { "name": "Name", "type": "string" } ] } }
              ]
            }
            """;
        var package = Zip(("datapackage.json", Encoding.UTF8.GetBytes(manifest)), ("customers.csv", customers), ("regions.csv", regions));
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = Host(database);

        var result = await ImportAsync(host, package);

        Assert.True(result.Succeeded, result.FailureReason + string.Join("\n", result.Job.Errors));
        Assert.Equal(["region", "customer"], result.Resources.Select(r => r.Name));
        Assert.Equal(["region W West", "customer H-1 Hand written in W"], await DescribeAsync(host));
    }

    public static TheoryData<string, PackageProblem?> HostilePackages() => new()
    {
        { "dot-dot", PackageProblem.UnsafeEntryName },
        { "absolute", PackageProblem.UnsafeEntryName },
        { "drive", PackageProblem.UnsafeEntryName },
        { "backslash", PackageProblem.UnsafeEntryName },
        { "symlink", PackageProblem.SymbolicLink },
        { "duplicate", PackageProblem.DuplicateEntry },
        { "nested-by-name", PackageProblem.NestedArchive },
        { "nested-by-content", PackageProblem.NestedArchive },
        { "bomb", null },
        { "too-many-entries", null },
        { "too-large", null },
        { "lying-size", PackageProblem.SizeMismatch },
        { "lying-hash", PackageProblem.HashMismatch },
        { "no-manifest", PackageProblem.InvalidManifest },
        { "not-json", PackageProblem.InvalidManifest },
        { "newer-format", PackageProblem.UnsupportedVersion },
        { "unknown-resource", PackageProblem.UnknownResource },
        { "wrong-fields", PackageProblem.SchemaMismatch },
        { "cycle", PackageProblem.RelationCycle },
        { "not-a-zip", PackageProblem.NotAnArchive },
    };

    [Theory]
    [MemberData(nameof(HostilePackages))]
    public async Task Package_Hostile_IsRefusedWithATypedError_AndNothingIsWritten(string kind, PackageProblem? problem)
    {
        await using var database = await Database.CreateAsync("sqlite", postgres);
        using var host = Host(database);
        var regions = "Code,Name\nW,West\n"u8.ToArray();
        var fine = Manifest(("region", "regions.csv", regions));
        byte[] package = kind switch
        {
            "dot-dot" => Zip(("datapackage.json", Manifest(("region", "../regions.csv", regions))), ("../regions.csv", regions)),
            "absolute" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("/etc/cron.d/evil", regions)),
            "drive" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("C:/Windows/evil.csv", regions)),
            "backslash" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("..\\evil.csv", regions)),
            "symlink" => Zip(("datapackage.json", fine, 0), ("regions.csv", regions, 0), ("link.csv", "/etc/passwd"u8.ToArray(), 0xA1FF)),
            "duplicate" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("regions.csv", "Code,Name\nX,Evil\n"u8.ToArray())),
            "nested-by-name" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("more.zip", Zip(("a.csv", regions)))),
            "nested-by-content" => Zip(("datapackage.json", Manifest(("region", "regions.csv", Zip(("a.csv", regions))))), ("regions.csv", Zip(("a.csv", regions)))),
            "bomb" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("zeros.txt", new byte[20_000_000])),
            "too-many-entries" => Zip([("datapackage.json", fine, 0), ("regions.csv", regions, 0), .. Enumerable.Range(0, 30).Select(i => ($"f{i}.txt", new byte[1], 0))]),
            "too-large" => Zip(("datapackage.json", fine), ("regions.csv", regions), ("big.bin", RandomNumberGenerator.GetBytes(300_000))),
            "lying-size" => Zip(("datapackage.json", Manifest(("region", "regions.csv", regions), bytes: 5)), ("regions.csv", regions)),
            "lying-hash" => Zip(("datapackage.json", fine), ("regions.csv", "Code,Name\nW,Evil\n"u8.ToArray())),
            "no-manifest" => Zip(("regions.csv", regions)),
            "not-json" => Zip(("datapackage.json", "{ resources: "u8.ToArray()), ("regions.csv", regions)),
            "newer-format" => Zip(("datapackage.json", Manifest(("region", "regions.csv", regions), extra: "\"bulkdata\": { \"formatVersion\": 99 },")), ("regions.csv", regions)),
            "unknown-resource" => Zip(("datapackage.json", Manifest(("secrets", "regions.csv", regions))), ("regions.csv", regions)),
            "wrong-fields" => Zip(("datapackage.json", Manifest(("region", "regions.csv", regions), fields: "Code,Password")), ("regions.csv", regions)),
            "cycle" => Zip(("datapackage.json", CyclicManifest(regions)), ("regions.csv", regions), ("customers.csv", "Number,Name,Region\nH-1,x,W\n"u8.ToArray())),
            _ => "this is not a zip"u8.ToArray(),
        };

        var operation = host.Importer.Package(new MemoryStream(package), "hostile.zip")
            .WithOptions(o => (o.MaxEntries, o.MaxUnpackedBytes) = (20, kind == "too-large" ? 100_000 : o.MaxUnpackedBytes));
        var error = await Assert.ThrowsAnyAsync<ImportSourceException>(() => operation.IntoAsync(new EntityFrameworkPackageTarget<ShopContext>(database.Factory)));

        if (problem is { } expected)
        {
            Assert.Equal(expected, Assert.IsType<DataPackageException>(error).Problem);
        }
        else
        {
            Assert.IsType<ImportLimitExceededException>(error);
        }

        await using var db = database.Factory.CreateDbContext();
        Assert.Equal(0, await db.Set<Region>().CountAsync());
        Assert.Empty(await db.Set<EntityFrameworkCore.Jobs.FileRecord>().ToListAsync());
        var job = Assert.Single(await host.Jobs.QueryAsync(new JobQuery()).ToListAsync());
        Assert.Equal((JobStatus.Failed, "package"), (job.Status, job.Resource));
    }

    private static byte[] Manifest((string Name, string Path, byte[] Content) resource, long? bytes = null, string extra = "", string fields = "Code,Name") => Encoding.UTF8.GetBytes($$"""
        { {{extra}} "resources": [ { "name": "{{resource.Name}}", "path": "{{resource.Path}}", "bytes": {{bytes ?? resource.Content.Length}},
          "hash": "sha256:{{Convert.ToHexStringLower(SHA256.HashData(resource.Content))}}",
          "schema": { "fields": [ {{string.Join(", ", fields.Split(',').Select(f => $"{{ \"name\": \"{f}\" }}"))}} ] } } ] }
        """);

    private static byte[] CyclicManifest(byte[] regions) => Encoding.UTF8.GetBytes("""
        { "resources": [
          { "name": "region", "path": "regions.csv", "schema": { "fields": [ { "name": "Code" }, { "name": "Name" } ], "foreignKeys": [ { "fields": "Code", "reference": { "resource": "customer", "fields": "Number" } } ] } },
          { "name": "customer", "path": "customers.csv", "schema": { "fields": [ { "name": "Number" }, { "name": "Name" }, { "name": "Region" } ], "foreignKeys": [ { "fields": "Region", "reference": { "resource": "region", "fields": "Code" } } ] } } ] }
        """);

    private static byte[] Zip(params (string Name, byte[] Content)[] entries) => Zip(entries.Select(e => (e.Name, e.Content, 0)).ToArray());

    private static byte[] Zip(params (string Name, byte[] Content, int Mode)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, mode) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                if (mode != 0)
                {
                    entry.ExternalAttributes = mode << 16;
                }

                using var stream = entry.Open();
                stream.Write(content);
            }
        }

        return output.ToArray();
    }

    /// <summary>The package with one entry's text changed and the manifest's size and hash for it updated to match.</summary>
    private static byte[] Rewrite(byte[] package, string path, Func<string, string> change)
    {
        using var input = new ZipArchive(new MemoryStream(package));
        var files = input.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var stream = e.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        });
        files[path] = Encoding.UTF8.GetBytes(change(Encoding.UTF8.GetString(files[path])));
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(files["datapackage.json"])!;
        foreach (var resource in manifest["resources"]!.AsArray().Where(r => (string?)r!["path"] == path))
        {
            resource!["bytes"] = files[path].Length;
            resource["hash"] = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(files[path]));
        }

        files["datapackage.json"] = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        return Zip(files.Select(f => (f.Key, f.Value)).ToArray());
    }

    private static string Frictionless([CallerFilePath] string path = "") => Path.Combine(Path.GetDirectoryName(path)!, "frictionless");

    /// <summary>Records progress reports as they come (the BCL's Progress posts them later, on the thread pool).</summary>
    private sealed class Progress(Action<JobProgress> report) : IProgress<JobProgress>
    {
        public void Report(JobProgress value) => report(value);
    }
}
