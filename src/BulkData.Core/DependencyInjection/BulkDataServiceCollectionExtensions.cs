using BulkData.DependencyInjection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Jobs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

// The conventional namespace for Add* extensions, so AddBulkData shows up wherever services are configured.
namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers BulkData in a service collection.</summary>
public static class BulkDataServiceCollectionExtensions
{
    /// <summary>
    /// Adds BulkData: the importer, the exporter, the resource registry and, unless the application registered its
    /// own, the in-memory job store and the system clock. May be called more than once.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Registers resources, validators, the job store and import defaults.</param>
    /// <returns>The builder, to configure further.</returns>
    /// <exception cref="BulkData.BulkDataConfigurationException">The configuration is wrong (unknown member, duplicate resource, ...).</exception>
    public static BulkDataBuilder AddBulkData(this IServiceCollection services, Action<BulkDataBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(ResourceRegistry))?.ImplementationInstance as ResourceRegistry;
        if (registry is null)
        {
            registry = new ResourceRegistry();
            services.AddSingleton(registry);
        }

        var builder = new BulkDataBuilder(services, registry);
        configure?.Invoke(builder);
        services.TryAddSingleton<IJobStore>(provider => new InMemoryJobStore(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new JobServices(
            provider.GetRequiredService<IJobStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("BulkData") ?? NullLogger.Instance,
            provider.GetService<IFileStore>(),
            provider.GetService<IJobRunner>()));
        services.TryAddScoped<IBulkImporter, BulkImporter>();
        services.TryAddScoped<IBulkExporter, BulkExporter>();
        return builder;
    }
}
