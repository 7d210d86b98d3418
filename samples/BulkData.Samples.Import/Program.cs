using BulkData;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Pdf;
using BulkData.Samples.Import;
using BulkData.Sinks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

// Everything the sample writes goes to ./sample-output: the SQLite database and the exported files.
var output = Directory.CreateDirectory(Path.Combine(Directory.GetCurrentDirectory(), "sample-output")).FullName;
var databasePath = Path.Combine(output, "shop.db");
File.Delete(databasePath);

// The host application: its DbContext on SQLite (the embedded default), BulkData with one resource
// (key, a renamed column, an alias and a rule on top of the attributes) and its jobs in the same database.
var services = new ServiceCollection()
    .AddLogging()
    .AddDbContextFactory<ShopContext>(o => o.UseSqlite($"Data Source={databasePath}"))
    .AddSingleton<IFileStore>(new LocalFolderFileStore(new LocalFolderFileStoreOptions { Folder = Path.Combine(output, "files") }))
    .AddBulkData(b => b
        .AddResource<Product>(r => r
            .Key(p => p.Sku)
            .Ignore(p => p.Id)
            .Column(p => p.UnitPrice, c => c.Name("Unit Price"))
            .Column(p => p.Quantity, c => c.Aliases("Qty"))
            .Rule(p => p.UnitPrice >= 0, "Unit price must not be negative.")
            .Column(p => p.SupplierId, c => c.Name("Supplier"))
            .References<Supplier, int?>(p => p.SupplierId, s => s.Id))
        .AddResource<Supplier>(r => r.Key(s => s.Code).Ignore(s => s.Id))
        .UseEntityFrameworkJobStore<ShopContext>()
        .UseInProcessRunner()
        .AddImportTarget<Product>(provider => new EntityFrameworkImportTarget<ShopContext, Product>(
            provider.GetRequiredService<IDbContextFactory<ShopContext>>(), new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert })))
    .Services
    .BuildServiceProvider();

var contexts = services.GetRequiredService<IDbContextFactory<ShopContext>>();
await using (var setup = await contexts.CreateDbContextAsync())
{
    await setup.Database.EnsureCreatedAsync();
}

using var scope = services.CreateScope();
var importer = scope.ServiceProvider.GetRequiredService<IBulkImporter>();
var exporter = scope.ServiceProvider.GetRequiredService<IBulkExporter>();
var jobs = scope.ServiceProvider.GetRequiredService<IJobStore>();
var rollback = scope.ServiceProvider.GetRequiredService<ImportRollback<ShopContext>>();
var products = new EntityFrameworkImportTarget<ShopContext, Product>(contexts, new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert });

var file = Path.Combine(AppContext.BaseDirectory, "data", "products.csv");
var source = CsvSource.FromFile(file);
var import = importer.For<Product>().From(source).OwnedBy("sample-user", "acme");

// 1. Preview: the mapping, the warnings and the first rows. Nothing is written.
var preview = await import.PreviewAsync(rows: 3);
Console.WriteLine($"Preview of {Path.GetFileName(file)} ({preview.Status}):");
foreach (var match in preview.Mapping!.Matches)
{
    Console.WriteLine($"  column '{match.Header}' -> {match.Column} ({match.Kind})");
}

foreach (var warning in preview.Warnings)
{
    Console.WriteLine($"  warning: {warning}");
}

foreach (var row in preview.PreviewRows)
{
    Console.WriteLine(row.IsValid
        ? $"  row {row.RowNumber}: {row.Item!.Sku} {row.Item.Name} {row.Item.UnitPrice} x{row.Item.Quantity}"
        : $"  row {row.RowNumber}: {row.Errors.Count} error(s)");
}

// 2. All-or-nothing (the default): the bad rows stop the import and nothing reaches the database.
var strict = await import.IntoAsync(products);
Console.WriteLine();
Console.WriteLine($"All-or-nothing import: {strict}");
foreach (var error in strict.Errors)
{
    Console.WriteLine($"  {error}");
}

Console.WriteLine($"  products in the database: {await CountAsync()}");

// 3. Partial: the valid rows are committed, the invalid ones reported.
var partial = await import.WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(products);
Console.WriteLine();
Console.WriteLine($"Partial import: {partial}");
Console.WriteLine($"  products in the database: {await DescribeAsync()}");

// 4. A second file updates two products (upsert) and adds one; unchanged rows are left alone.
var update = await importer.For<Product>().From(CsvSource.FromFile(Path.Combine(AppContext.BaseDirectory, "data", "products-update.csv"))).OwnedBy("sample-user", "acme").IntoAsync(products);
Console.WriteLine();
Console.WriteLine($"Update import: {update}");
Console.WriteLine($"  products in the database: {await DescribeAsync()}");

// 5. Roll the update back: the new product goes, the updated ones get their old values back.
var undone = await rollback.RollbackAsync(update.JobId, "sample-user");
Console.WriteLine();
Console.WriteLine($"Rolled back the update: {undone.Deleted} created deleted, {undone.Restored} updated restored");
Console.WriteLine($"  products in the database: {await DescribeAsync()}");

// 6. Queued: the upload is stored and the job id comes back at once; the in-process runner imports it
//    while the caller polls the job store, as a web page polling its status would.
foreach (var hosted in services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
{
    await hosted.StartAsync(CancellationToken.None);
}

Guid queuedId;
await using (var upload = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "data", "products-update.csv")))
{
    queuedId = await importer.For<Product>().OwnedBy("sample-user", "acme").EnqueueAsync(upload, "products-update.csv");
}

Console.WriteLine();
Console.WriteLine($"Queued import {queuedId}:");
Job queued;
while (!(queued = (await jobs.GetAsync(queuedId, new JobScope("acme")))!).IsFinished)
{
    Console.WriteLine($"  {queued.Status} ({queued.Counts.Read} rows read)");
    await Task.Delay(50);
}

Console.WriteLine($"  {queued.Status}: {queued.Counts.Created} created, {queued.Counts.Updated} updated, {queued.Counts.Skipped} skipped");
Console.WriteLine($"  products in the database: {await DescribeAsync()}");

// 7. Export from the database (the query runs in SQLite) to every format and a printable PDF report, and hand back the rejected rows.
Console.WriteLine();
IExportSink[] sinks =
[
    CsvSink.ToFile(Path.Combine(output, "products.csv")),
    XlsxSink.ToFile(Path.Combine(output, "products.xlsx"), new XlsxSinkOptions { SheetName = "Products" }),
    JsonSink.ToFile(Path.Combine(output, "products.json"), new JsonSinkOptions { Indented = true }),
    PdfSink.ToFile(Path.Combine(output, "products.pdf"), new PdfSinkOptions { Title = "Products", Description = "Every product, by SKU" }),
];
foreach (var sink in sinks)
{
    await using (sink)
    await using (var db = await contexts.CreateDbContextAsync())
    {
        var exported = await exporter.For<Product>().From(db.Products.AsNoTracking().OrderBy(p => p.Sku)).OwnedBy("sample-user", "acme").ToAsync(sink);
        Console.WriteLine($"Exported {exported.Rows} products to {sink.Format}: job {exported.Status}");
    }
}

var reportPath = Path.Combine(output, "products.errors.csv");
await using (var report = File.Create(reportPath))
{
    var rejected = await ImportErrorReport.WriteAsync(source, partial, ImportErrorReport.SinkFor(source, report));
    Console.WriteLine($"Wrote {rejected} rejected rows, with an '{ImportErrorReport.ErrorColumn}' column, to {Path.GetFileName(reportPath)}");
}

// 8. A data package: the products with their suppliers, moved to another database (a second SQLite file) where the
//    suppliers get other ids; the package is previewed there, then imported in one transaction.
await using (var db = await contexts.CreateDbContextAsync())
{
    var acme = new Supplier { Code = "ACME", Name = "Acme Tools" };
    db.AddRange(new Supplier { Code = "AAA", Name = "Only in this database" }, acme);
    await db.SaveChangesAsync();
    await db.Products.Where(p => p.Category == Category.Hardware).ExecuteUpdateAsync(set => set.SetProperty(p => p.SupplierId, acme.Id));
}

var packagePath = Path.Combine(output, "products.zip");
await using (var package = File.Create(packagePath))
await using (var db = await contexts.CreateDbContextAsync())
{
    var exported = await exporter.Package().Add(db.Products.AsNoTracking().Where(p => p.SupplierId != null)).Add(db.Suppliers.AsNoTracking())
        .OwnedBy("sample-user", "acme").ToAsync(package);
    Console.WriteLine();
    Console.WriteLine($"Exported a data package ({string.Join(", ", exported.Rows.Select(r => $"{r.Value} {r.Key}"))}) to {Path.GetFileName(packagePath)}");
}

var copyPath = Path.Combine(output, "shop-copy.db");
File.Delete(copyPath);
var copies = new PooledDbContextFactory<ShopContext>(new DbContextOptionsBuilder<ShopContext>().UseSqlite($"Data Source={copyPath}").Options);
await using (var setup = await copies.CreateDbContextAsync())
{
    await setup.Database.EnsureCreatedAsync();
    setup.Suppliers.Add(new Supplier { Code = "ZZZ", Name = "Already in the copy" });
    await setup.SaveChangesAsync();
}

var intoCopy = new EntityFrameworkPackageTarget<ShopContext>(copies);
var packagePreview = await importer.Package(packagePath).OwnedBy("sample-user", "acme").PreviewAsync(intoCopy);
Console.WriteLine($"Preview of the package in {Path.GetFileName(copyPath)} ({packagePreview.Status}): {string.Join("; ", packagePreview.Resources)}");
var packageImport = await importer.Package(packagePath).OwnedBy("sample-user", "acme").IntoAsync(intoCopy);
await using (var copy = await copies.CreateDbContextAsync())
{
    var moved = await copy.Products.Select(p => p.Sku + " from " + copy.Suppliers.Where(s => s.Id == p.SupplierId).Select(s => s.Code + " (id " + s.Id + ")").First()).ToListAsync();
    Console.WriteLine($"Imported the package: {packageImport.Status}; {string.Join(", ", moved)} (ACME's id in shop.db: 2)");
}

// 9. The jobs, durable in the database, with the history of the one that was rolled back.
Console.WriteLine();
Console.WriteLine("Jobs:");
await foreach (var job in jobs.QueryAsync(new JobQuery { Owner = "sample-user" }))
{
    Console.WriteLine($"  {job.CreatedAt:HH:mm:ss.fff} {job.Kind,-8} {job.Format,-5} {job.Status,-20} {job.Counts.Read} rows");
}

Console.WriteLine($"History of the update job {update.JobId}:");
foreach (var entry in await jobs.GetHistoryAsync(update.JobId))
{
    Console.WriteLine($"  {entry.At:HH:mm:ss.fff} {entry.Action,-22} {entry.Status,-20} {entry.Actor} {entry.Details}");
}

Console.WriteLine();
Console.WriteLine($"Files and the SQLite database are in {output}");
foreach (var hosted in services.GetServices<Microsoft.Extensions.Hosting.IHostedService>())
{
    await hosted.StopAsync(CancellationToken.None);
}

async Task<int> CountAsync()
{
    await using var db = await contexts.CreateDbContextAsync();
    return await db.Products.CountAsync();
}

async Task<string> DescribeAsync()
{
    await using var db = await contexts.CreateDbContextAsync();
    var all = await db.Products.AsNoTracking().OrderBy(p => p.Sku).ToListAsync();
    return string.Join(", ", all.Select(p => $"{p.Sku} {p.UnitPrice} x{p.Quantity}"));
}
