using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Core.Tests.Resources;

public sealed class ResourceTests
{
    [Fact]
    public void GenericResource_ReadsAttributes()
    {
        using var host = new TestHost();

        var resource = host.Importer.For<Product>().Resource;

        Assert.Equal("Product", resource.Name);
        Assert.Equal(["Sku", "Product Name", "UnitPrice", "Quantity", "Color", "Released", "internal_code", "InternalNotes"], resource.Columns.Select(c => c.Name));
        Assert.Equal(["Sku"], resource.KeyColumns.Select(c => c.Name));
        Assert.Equal(["Sku", "Product Name"], resource.Columns.Where(c => c.IsRequired).Select(c => c.Name));
        Assert.DoesNotContain(resource.Columns, c => c.MemberName is "Secret" or "Scratch");
    }

    [Fact]
    public async Task SensitiveMember_IsNeverImportedEvenWhenTheFileHasIt()
    {
        using var host = new TestHost();
        var target = new List<Product>();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name,Secret,Scratch\nA-1,Widget,hunter2,x\n")).IntoAsync(target);

        Assert.True(result.Succeeded);
        Assert.Null(target[0].Secret);
        Assert.Null(target[0].Scratch);
        Assert.Equal(["Secret", "Scratch"], result.Mapping!.UnmappedHeaders);
    }

    [Fact]
    public async Task FluentConfiguration_RenamesIgnoresFormatsAndAddsRules()
    {
        using var host = new TestHost(b => b.AddResource<Product>(r => r
            .Key(p => p.Code)
            .Column(p => p.UnitPrice, c => c.Name("Unit Price").Culture(CultureInfo.GetCultureInfo("de-DE")))
            .Column(p => p.Released, c => c.Format("dd/MM/yyyy"))
            .Ignore(p => p.InternalNotes)
            .Rule(p => p.UnitPrice >= 0, "Unit price must not be negative.")
            .Rule(p => p.Quantity > 0 || p.UnitPrice == 0, "A priced product needs a quantity.")));
        var target = new List<Product>();

        var result = await host.Importer.For<Product>()
            .From(CsvSource.FromText("internal_code;Sku;Product Name;Unit Price;Released;Quantity;InternalNotes\nC1;A-1;Widget;1.234,5;31/03/2024;2;x\nC2;A-2;Gadget;-1;01/01/2024;1;\nC3;A-3;Thing;3;01/01/2024;0;\n"))
            .WithOptions(o => o.CommitMode = CommitMode.Partial)
            .IntoAsync(target);

        var widget = Assert.Single(target);
        Assert.Equal((1234.5m, new DateOnly(2024, 3, 31), null), (widget.UnitPrice, widget.Released, widget.InternalNotes));
        Assert.Equal(["internal_code"], host.Importer.For<Product>().Resource.KeyColumns.Select(c => c.Name));
        Assert.Collection(
            result.Errors,
            e => Assert.Equal((2L, "Unit Price", "-1", "Unit price must not be negative."), (e.RowNumber!.Value, e.Column, e.RawValue, e.Message)),
            e => Assert.Equal((3L, (string?)null, "A priced product needs a quantity."), (e.RowNumber!.Value, e.Column, e.Message)));
    }

    [Fact]
    public async Task DataAnnotations_RangeAndRequired_AreRowErrors()
    {
        using var host = new TestHost();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name,Quantity\nA-1,,20000\n")).DryRunAsync();

        Assert.Equal(
            [("Product Name", "", "The Product Name field is required."), ("Quantity", "20000", "The field Quantity must be between 0 and 10000.")],
            result.Errors.Select(e => (e.Column, e.RawValue, e.Message)).OrderBy(e => e.Column));
    }

    [Fact]
    public async Task ConversionFailure_SuppressesRulesOnTheSameColumn()
    {
        using var host = new TestHost(b => b.AddResource<Product>(r => r.Rule(p => p.UnitPrice > 0, "Price must be positive.")));

        var result = await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name,UnitPrice\nA-1,W,abc\n")).DryRunAsync();

        Assert.Equal(RowErrorKind.Conversion, Assert.Single(result.Errors).Kind);
    }

    [Fact]
    public async Task CustomResource_OverridesHooksAndCreatesInstances()
    {
        using var host = new TestHost(b => b.AddResource<Order, OrderResource>());
        var target = new List<Order>();

        var result = await host.Importer.For<Order>().From(CsvSource.FromText("Number,Net,Vat Rate\n1,100,0.2\n2,50,abc\n")).WithOptions(o => o.CommitMode = CommitMode.Partial).IntoAsync(target);

        var order = Assert.Single(target);
        Assert.Equal(("web", 120m), (order.Channel, order.Gross));
        Assert.Equal("Orders", host.Importer.For<Order>().Resource.Name);
        Assert.Equal(["Number", "Net", "Vat Rate", "Gross", "Channel", "Label"], host.Importer.For<Order>().Resource.ExportColumns.Select(c => c.Name));
        Assert.Equal((2L, "Vat Rate"), (result.Errors[0].RowNumber!.Value, result.Errors[0].Column));
    }

    [Fact]
    public async Task CustomConverter_PerColumn_ParsesItsOwnSpelling()
    {
        using var host = new TestHost(b => b.AddResource<Product>(r => r.Column(p => p.Quantity, c => c.Converter(new DozenConverter()))));
        var target = new List<Product>();

        await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name,Quantity\nA-1,W,2 dozen\n")).IntoAsync(target);

        Assert.Equal(24, target[0].Quantity);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("YES", true)]
    [InlineData("y", true)]
    [InlineData("1", true)]
    [InlineData("False", false)]
    [InlineData("no", false)]
    [InlineData("N", false)]
    [InlineData("0", false)]
    public async Task BoolSpellings_AreAccepted(string raw, bool expected)
    {
        using var host = new TestHost();
        var target = new List<Flags>();

        var result = await host.Importer.For<Flags>().From(CsvSource.FromText($"Name,Active\nx,{raw}\n")).IntoAsync(target);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal(expected, target[0].Active);
    }

    [Fact]
    public async Task EmptyCellInNonNullableValue_IsAnError()
    {
        using var host = new TestHost();

        var result = await host.Importer.For<Flags>().From(CsvSource.FromText("Name,Active\nx,\n")).DryRunAsync();

        Assert.Equal("Active is empty. Enter yes or no (true/false, yes/no, y/n or 1/0).", Assert.Single(result.Errors).Message);
    }

    public sealed class Flags
    {
        public string Name { get; set; } = "";

        public bool Active { get; set; }
    }

    public sealed class Order
    {
        public Order(string channel)
        {
            Channel = channel;
        }

        [Required]
        public int Number { get; set; }

        public decimal Net { get; set; }

        public decimal VatRate { get; set; }

        public decimal Gross { get; set; }

        public string Channel { get; }
    }

    /// <summary>A resource in a class of its own: configuration, instance creation and a derived member.</summary>
    public sealed class OrderResource : Resource<Order>
    {
        protected override void Configure(ResourceBuilder<Order> resource) => resource
            .Name("Orders")
            .Key(o => o.Number)
            .Column(o => o.VatRate, c => c.Name("Vat Rate"))
            .Computed("Label", o => $"#{o.Number} ({o.Channel})");

        protected override Order CreateInstance() => new("web");

        protected override void AfterRow(RowContext<Order> row) => row.Item.Gross = row.Item.Net * (1 + row.Item.VatRate);
    }

    private sealed class DozenConverter : ValueConverter<int>
    {
        public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out int value)
        {
            value = 0;
            return text.EndsWith(" dozen", StringComparison.Ordinal) && int.TryParse(text[..^6], out value) && (value *= 12) >= 0;
        }

        public override string Describe(ValueFormat format) => "a number of dozens like '2 dozen'";
    }
}
