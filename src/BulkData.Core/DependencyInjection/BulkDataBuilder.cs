using BulkData.Import;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Validation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BulkData.DependencyInjection;

/// <summary>
/// Configures BulkData inside <c>AddBulkData</c>: resources, validators, the job store and import
/// defaults. Resources are built as they are added, so configuration mistakes throw at start-up.
/// Other BulkData packages add their own extension methods to this builder.
/// </summary>
public sealed class BulkDataBuilder
{
    internal BulkDataBuilder(IServiceCollection services, ResourceRegistry registry)
    {
        Services = services;
        Registry = registry;
    }

    /// <summary>The application's services, for extension packages.</summary>
    public IServiceCollection Services { get; }

    internal ResourceRegistry Registry { get; }

    /// <summary>Registers the generic resource of <typeparamref name="T"/>, with optional fluent configuration.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="configure">The key, columns, rules and so on.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">The configuration is wrong, or the resource is registered twice.</exception>
    public BulkDataBuilder AddResource<T>(Action<ResourceBuilder<T>>? configure = null)
        where T : class
    {
        Registry.Add(new Resource<T>(), configure);
        return this;
    }

    /// <summary>Registers a custom resource class, with optional extra fluent configuration.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResource">The resource class, deriving from <see cref="Resource{T}"/>.</typeparam>
    /// <param name="configure">Configuration applied after the class's own <c>Configure</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">The configuration is wrong, or the resource is registered twice.</exception>
    public BulkDataBuilder AddResource<T, TResource>(Action<ResourceBuilder<T>>? configure = null)
        where T : class
        where TResource : Resource<T>, new()
    {
        Registry.Add(new TResource(), configure);
        return this;
    }

    /// <summary>Adds a validator for <typeparamref name="T"/>, created by DI for each import (so it may take services).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TValidator">The validator.</typeparam>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddValidator<T, TValidator>()
        where T : class
        where TValidator : class, IRowValidator<T>
    {
        Services.TryAddEnumerable(ServiceDescriptor.Transient<IRowValidator<T>, TValidator>());
        return this;
    }

    /// <summary>Keeps jobs in <typeparamref name="TStore"/> instead of the in-memory default.</summary>
    /// <typeparam name="TStore">The store.</typeparam>
    /// <returns>This builder.</returns>
    public BulkDataBuilder UseJobStore<TStore>()
        where TStore : class, IJobStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IJobStore, TStore>());
        return this;
    }

    /// <summary>Sets the application-wide import defaults; each import can still change them.</summary>
    /// <param name="configure">Changes the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of range.</exception>
    public BulkDataBuilder ConfigureImport(Action<ImportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Registry.ImportDefaults);
        Registry.ImportDefaults.Validate();
        return this;
    }
}
