using System.ComponentModel.DataAnnotations.Schema;
using BulkData.Resources;

namespace BulkData.Core.Tests.Resources;

/// <summary>
/// Issue 16: BulkData's own column attributes (header, order, aliases, format and culture, export or import only),
/// independent of EF Core's <c>[Column]</c>, which names a database column and stays out of files.
/// </summary>
public sealed class ColumnAttributeTests
{
    public sealed class Invoice
    {
        [Header("Invoice No.", Order = 0, Aliases = ["Number", "Inv #"])]
        public string Number { get; set; } = "";

        [Column("customer_name")]
        public string Customer { get; set; } = "";

        [Format("dd.MM.yyyy", Culture = "de-DE")]
        [Header("Date", Order = 1)]
        public DateOnly IssuedOn { get; set; }

        [Format("0.00", Culture = "de-DE")]
        public decimal Amount { get; set; }

        [ExportOnly]
        public decimal Total { get; set; }

        [ImportOnly]
        public string? Token { get; set; }
    }

    [Fact]
    public void Attributes_NameOrderAndDirectionTheColumns_AndColumnAttributeIsNotAHeader()
    {
        using var host = new TestHost(b => b.AddResource<Invoice>(r => r.Key(i => i.Number)));
        var resource = host.Importer.For<Invoice>().Resource;

        Assert.Equal(["Invoice No.", "Date", "Customer", "Amount", "Total"], resource.ExportColumns.Select(c => c.Name));
        Assert.Equal(["Invoice No.", "Customer", "Date", "Amount", "Token"], resource.Columns.Where(c => c.IsImported).Select(c => c.Name));
        Assert.Equal(["Number", "Inv #"], resource.Columns[0].Aliases);
    }

    [Fact]
    public async Task Attributes_ReadAndWriteValuesInTheColumnsFormatAndCulture()
    {
        using var host = new TestHost(b => b.AddResource<Invoice>(r => r.Key(i => i.Number)));
        var invoices = new List<Invoice>();

        var result = await host.Importer.For<Invoice>()
            .From(CsvSource.FromText("Inv #;Customer;Date;Amount;Total;Token\nR-1;Ann;31.03.2026;1.234,50;99;secret\n"))
            .IntoAsync(invoices);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        var invoice = Assert.Single(invoices);
        Assert.Equal(("R-1", new DateOnly(2026, 3, 31), 1234.50m, 0m, "secret"), (invoice.Number, invoice.IssuedOn, invoice.Amount, invoice.Total, invoice.Token));

        invoice.Total = 1234.50m;
        using var output = new MemoryStream();
        await using (var sink = CsvSink.ToStream(output, new CsvSinkOptions { Delimiter = ';' }))
        {
            await host.Exporter.For<Invoice>().From(invoices).ToAsync(sink);
        }

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Invoice No.;Date;Customer;Amount;Total", "R-1;31.03.2026;Ann;1234,50;1234.50"], lines);
    }
}
