using BulkData.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Core.Tests.DependencyInjection;

/// <summary>Issue 11: options from the BulkData configuration section, applied over the code's and validated at start.</summary>
public sealed class ConfigurationTests
{
    private static IConfiguration Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>($"BulkData:{s.Key}", s.Value))).Build().GetSection("BulkData");

    [Fact]
    public void AddBulkData_ImportSection_OverridesTheCodeDefaults()
    {
        var services = new ServiceCollection();
        services.AddBulkData(
            Section(("Import:CommitMode", "Partial"), ("Import:BatchSize", "250"), ("Import:Mapping:AcceptSuggestions", "true")),
            b => b.AddResource<Product>().ConfigureImport(o => { o.BatchSize = 100; o.MaxRows = 5_000; }));
        using var provider = services.BuildServiceProvider();

        var options = provider.CreateScope().ServiceProvider.GetRequiredService<IBulkImporter>().For<Product>().Options;

        Assert.Equal((CommitMode.Partial, 250, 5_000L, true), (options.CommitMode, options.BatchSize, options.MaxRows, options.Mapping.AcceptSuggestions));
    }

    [Fact]
    public void AddBulkData_RunnerSection_IsBoundOverTheCodeAndReadableAsIOptions()
    {
        using var provider = new ServiceCollection()
            .AddBulkData(Section(("Runner:MaxConcurrency", "3")), b => b.AddResource<Product>().UseInProcessRunner(o => o.MaxConcurrency = 1))
            .Services.BuildServiceProvider();

        Assert.Equal(3, provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<BulkData.Jobs.InProcessRunnerOptions>>().Value.MaxConcurrency);
    }

    [Theory]
    [InlineData("Import:BatchSize", "0", "ImportOptions.BatchSize")]
    [InlineData("Import:CommitMode", "Sometimes", "BulkData:Import")]
    [InlineData("Runner:MaxConcurrency", "0", "InProcessRunnerOptions.MaxConcurrency")]
    public void AddBulkData_BadValue_FailsAtStartNamingIt(string key, string value, string member)
    {
        var error = Assert.Throws<BulkDataConfigurationException>(() =>
            new ServiceCollection().AddBulkData(Section((key, value)), b => b.AddResource<Product>().UseInProcessRunner()));

        Assert.Equal(member, error.Member);
    }

    [Fact]
    public async Task AddBulkData_FilesFolder_IsWhereTheLocalFileStoreKeepsUploads()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"bulkdata-configured-{Guid.NewGuid():N}");
        var services = new ServiceCollection();
        services.AddBulkData(Section(("Files:Folder", folder)), b => b.AddResource<Product>().UseInProcessRunner());
        await using var provider = services.BuildServiceProvider();

        var stored = await provider.GetRequiredService<IFileStore>().SaveAsync(new MemoryStream([1, 2, 3]), "x.csv");

        Assert.True(File.Exists(Path.Combine(folder, $"{stored.Id:N}.bin")));
        Directory.Delete(folder, recursive: true);
    }
}
