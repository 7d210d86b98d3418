using BulkData.DependencyInjection;
using BulkData.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Core.Tests;

/// <summary>A real DI container with BulkData registered, as a host application would have it.</summary>
internal sealed class TestHost : IDisposable
{
    private readonly ServiceProvider provider;
    private readonly IServiceScope scope;

    public TestHost(Action<BulkDataBuilder>? configure = null, Action<IServiceCollection>? services = null)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddBulkData(configure);
        provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        scope = provider.CreateScope();
    }

    public IBulkImporter Importer => scope.ServiceProvider.GetRequiredService<IBulkImporter>();

    public IBulkExporter Exporter => scope.ServiceProvider.GetRequiredService<IBulkExporter>();

    public IJobStore Jobs => scope.ServiceProvider.GetRequiredService<IJobStore>();

    public IServiceProvider Services => scope.ServiceProvider;

    public void Dispose()
    {
        scope.Dispose();
        provider.Dispose();
    }
}
