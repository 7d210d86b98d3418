// The conventional namespace for Add* extensions, so AddBulkData shows up wherever services are configured.
using BulkData;
using BulkData.DependencyInjection;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
    public static BulkDataBuilder AddBulkData(this IServiceCollection services, Action<BulkDataBuilder>? configure = null) =>
        services.AddBulkData(null, configure);

    /// <summary>
    /// Adds BulkData as <see cref="AddBulkData(IServiceCollection, Action{BulkDataBuilder}?)"/> does, with settings from
    /// configuration applied over the code's: the <c>Import</c> section over the import defaults
    /// (<c>BulkData:Import:CommitMode = Partial</c>, <c>BatchSize</c>, <c>MaxRows</c>, <c>Mapping:AcceptSuggestions</c>, ...),
    /// <c>Runner</c> over the in-process runner's options, <c>Files:Folder</c> for the local file store. Every value
    /// is validated here, at start-up, not when the first job runs.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configuration">The <c>BulkData</c> section, e.g. <c>builder.Configuration.GetSection("BulkData")</c>; null for none.</param>
    /// <param name="configure">Registers resources, validators, the job store and import defaults.</param>
    /// <returns>The builder, to configure further.</returns>
    /// <exception cref="BulkData.BulkDataConfigurationException">The configuration is wrong (unknown member, duplicate resource, a value out of range, ...).</exception>
    public static BulkDataBuilder AddBulkData(this IServiceCollection services, IConfiguration? configuration, Action<BulkDataBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registry = services.FirstOrDefault(d => d.ServiceType == typeof(ResourceRegistry))?.ImplementationInstance as ResourceRegistry;
        if (registry is null)
        {
            registry = new ResourceRegistry();
            services.AddSingleton(registry);
        }

        var builder = new BulkDataBuilder(services, registry, configuration);
        configure?.Invoke(builder);
        if (configuration?.GetSection("Import") is { } import && import.Exists())
        {
            try
            {
                import.Bind(registry.ImportDefaults);
            }
            catch (InvalidOperationException e)
            {
                throw new BulkData.BulkDataConfigurationException(import.Path, $"A setting under {import.Path} has a value that cannot be read: {e.Message}");
            }

            registry.ImportDefaults.Validate();
        }

        services.TryAddSingleton<IJobStore>(provider => new InMemoryJobStore(provider.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IMappingStore, InMemoryMappingStore>();
        services.TryAddSingleton(provider => new JobServices(
            provider.GetRequiredService<IJobStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger("BulkData") ?? NullLogger.Instance,
            registry.Formats,
            provider.GetService<IFileStore>(),
            provider.GetService<IJobRunner>(),
            provider.GetService<IMappingStore>(),
            provider.GetService<IReferenceResolver>()));
        services.TryAddScoped<IBulkImporter, BulkImporter>();
        services.TryAddScoped<IBulkExporter, BulkExporter>();
        return builder;
    }
}
