using BulkData.Export;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Samples.Import;
using BulkData.Sinks;
using BulkData.Sources;
using Microsoft.Extensions.DependencyInjection;

// Register BulkData with one resource: the key, a renamed column and a rule, on top of the attributes.
var services = new ServiceCollection()
    .AddLogging()
    .AddBulkData(b => b
        .AddResource<Product>(r => r
            .Column(p => p.UnitPrice, c => c.Name("Unit Price"))
            .Column(p => p.Quantity, c => c.Aliases("Qty"))
            .Rule(p => p.UnitPrice >= 0, "Unit price must not be negative.")))
    .Services
    .BuildServiceProvider();

using var scope = services.CreateScope();
var importer = scope.ServiceProvider.GetRequiredService<IBulkImporter>();
var exporter = scope.ServiceProvider.GetRequiredService<IBulkExporter>();
var jobs = scope.ServiceProvider.GetRequiredService<IJobStore>();
var file = Path.Combine(AppContext.BaseDirectory, "data", "products.csv");
var source = CsvSource.FromFile(file);
var import = importer.For<Product>().From(source).OwnedBy("sample-user", "acme");

var preview = await import.PreviewAsync(rows: 3);
Console.WriteLine($"Preview of {file} ({preview.Status}):");
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

// All-or-nothing (the default): the bad rows stop the import and nothing is written.
var products = new List<Product>();
var strict = await import.IntoAsync(products);
Console.WriteLine();
Console.WriteLine($"All-or-nothing import: {strict}");
Console.WriteLine($"  products written: {products.Count}");
foreach (var error in strict.Errors)
{
    Console.WriteLine($"  {error}");
}

// Partial: valid rows are written, invalid rows reported.
var partial = await import.WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(products);
Console.WriteLine();
Console.WriteLine($"Partial import: {partial}");
Console.WriteLine($"  products written: {products.Count} ({string.Join(", ", products.Select(p => p.Sku))})");

var job = await jobs.GetAsync(partial.JobId);
Console.WriteLine();
Console.WriteLine($"Job {job!.Id}: {job.Kind} of {job.Resource} from {job.FileName} by {job.Owner}@{job.Tenant}: {job.Status}");
foreach (var entry in await jobs.GetHistoryAsync(job.Id))
{
    Console.WriteLine($"  {entry.At:HH:mm:ss.fff} {entry.Action,-22} {entry.Status,-20} {entry.Details}");
}

// Export what was imported to every format, and hand the rejected rows back in the file's own format.
var output = Directory.CreateDirectory(Path.Combine(Directory.GetCurrentDirectory(), "sample-output")).FullName;
Console.WriteLine();
IExportSink[] sinks =
[
    CsvSink.ToFile(Path.Combine(output, "products.csv")),
    XlsxSink.ToFile(Path.Combine(output, "products.xlsx"), new XlsxSinkOptions { SheetName = "Products" }),
    JsonSink.ToFile(Path.Combine(output, "products.json"), new JsonSinkOptions { Indented = true }),
];
foreach (var sink in sinks)
{
    await using (sink)
    {
        var exported = await exporter.For<Product>().From(products.OrderBy(p => p.Sku)).OwnedBy("sample-user", "acme").ToAsync(sink);
        Console.WriteLine($"Exported {exported.Rows} products to {sink.Format}: job {exported.Status}");
    }
}

var reportPath = Path.Combine(output, "products.errors.csv");
await using (var report = File.Create(reportPath))
{
    var rejected = await ImportErrorReport.WriteAsync(source, partial, ImportErrorReport.SinkFor(source, report));
    Console.WriteLine($"Wrote {rejected} rejected rows, with an '{ImportErrorReport.ErrorColumn}' column, to {reportPath}");
}

Console.WriteLine($"Files are in {output}");
