using BulkData.Jobs;
using BulkData.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Core.Tests.DependencyInjection;

public sealed class AddBulkDataTests
{
    [Fact]
    public async Task AddBulkData_ResourceValidatorAndJobStoreFromTheBuilder_AreTheOnesUsed()
    {
        using var host = new TestHost(
            b => b
                .AddResource<Product>(r => r.Name("Catalogue"))
                .AddValidator<Product, NoWidgets>()
                .UseJobStore<RecordingJobStore>(),
            services => services.AddSingleton(new SkuBlocklist("BLOCKED")));

        var result = await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name\nA-1,Widget\nBLOCKED,Gadget\nA-3,Gizmo\n")).DryRunAsync();

        Assert.Equal("Catalogue", result.Job.Resource);
        Assert.Equal(
            [(1L, "Product Name", "Widgets are not sold here."), (2L, "Sku", "This SKU is blocked.")],
            result.Errors.Select(e => (e.RowNumber!.Value, e.Column, e.Message)));
        var store = Assert.IsType<RecordingJobStore>(host.Jobs);
        Assert.Equal(result.JobId, Assert.Single(store.Created));
    }

    [Fact]
    public void AddBulkData_HostRegisteredJobStore_WinsOverTheDefault()
    {
        var own = new InMemoryJobStore();
        using var host = new TestHost(services: s => s.AddSingleton<IJobStore>(own));

        Assert.Same(own, host.Jobs);
    }

    [Fact]
    public void AddBulkData_DefaultJobStore_IsInMemory()
    {
        using var host = new TestHost();

        Assert.IsType<InMemoryJobStore>(host.Jobs);
    }

    [Fact]
    public void AddResource_UnknownKeyMember_ThrowsAtRegistrationNamingIt()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b.AddResource<Product>(r => r.Key("Skew"))));

        Assert.Equal("Product.Skew", error.Member);
        Assert.Equal("Product has no public property 'Skew'. Did you mean 'Sku'?", error.Message);
    }

    [Fact]
    public void AddResource_SameTypeTwice_Throws()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b.AddResource<Product>().AddResource<Product>()));

        Assert.Equal("Product", error.Member);
    }

    [Fact]
    public void AddResource_TwoResourcesWithOneName_Throws()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b
            .AddResource<Product>(r => r.Name("Items"))
            .AddResource<AllTypes>(r => r.Name("items"))));

        Assert.Equal("items", error.Member);
    }

    [Fact]
    public void AddResource_TwoColumnsWithOneHeader_ThrowsNamingBothMembers()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b
            .AddResource<Product>(r => r.Column(p => p.InternalNotes, c => c.Name("Product name")))));

        Assert.Equal("Product.InternalNotes", error.Member);
        Assert.Contains("Product.Name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddResource_ConverterOfTheWrongType_Throws()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b
            .AddResource<Product>(r => r.Column(p => p.Quantity, c => c.Converter(new Mapping.PassThrough())))));

        Assert.Equal("Product.Quantity", error.Member);
    }

    [Fact]
    public void AddResource_TypeWithoutParameterlessConstructor_ThrowsWithTheFix()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b.AddResource<NoDefaultConstructor>()));

        Assert.Contains("override CreateInstance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConfigureImport_OutOfRangeOption_ThrowsNamingIt()
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() => new ServiceCollection().AddBulkData(b => b.ConfigureImport(o => o.BatchSize = 0)));

        Assert.Equal("ImportOptions.BatchSize", error.Member);
    }

    [Fact]
    public async Task ConfigureImport_Defaults_ApplyToEveryImport()
    {
        using var host = new TestHost(b => b.ConfigureImport(o => o.CommitMode = BulkData.CommitMode.Partial));
        var target = new List<Product>();

        var result = await host.Importer.For<Product>().From(CsvSource.FromText("Sku,Product Name,Quantity\nA-1,W,1\nA-2,G,x\n")).IntoAsync(target);

        Assert.Equal(JobStatus.CompletedWithErrors, result.Status);
        Assert.Single(target);
    }

    public sealed record SkuBlocklist(string Sku);

    /// <summary>A validator created by DI with a service of the host's.</summary>
    public sealed class NoWidgets(SkuBlocklist blocklist) : IRowValidator<Product>
    {
        public ValueTask ValidateAsync(RowContext<Product> row, CancellationToken cancellationToken = default)
        {
            if (row.Item.Name == "Widget")
            {
                row.AddError(nameof(Product.Name), "Widgets are not sold here.");
            }

            if (row.Item.Sku == blocklist.Sku)
            {
                row.AddError("Sku", "This SKU is blocked.");
            }

            return ValueTask.CompletedTask;
        }
    }

    public sealed class RecordingJobStore : Jobs.DelegatingJobStore
    {
        public List<Guid> Created { get; } = [];

        public override ValueTask<Job> CreateAsync(Job job, CancellationToken cancellationToken = default)
        {
            Created.Add(job.Id);
            return Inner.CreateAsync(job, cancellationToken);
        }
    }

    public sealed class NoDefaultConstructor(string name)
    {
        public string Name { get; set; } = name;
    }
}
