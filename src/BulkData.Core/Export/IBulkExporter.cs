using System.Diagnostics.CodeAnalysis;
using BulkData.DependencyInjection;
using BulkData.Jobs;

namespace BulkData;

/// <summary>The entry point for exports: inject it and call <see cref="For{T}"/>.</summary>
public interface IBulkExporter
{
    /// <summary>Starts setting up an export of <typeparamref name="T"/> with its registered resource.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>An operation to give rows and run.</returns>
    [SuppressMessage("Naming", "CA1716", Justification = "'For' reads as intended in C#; the clash is with a Visual Basic keyword.")]
    ExportOperation<T> For<T>()
        where T : class;

    /// <summary>Starts setting up a data package: several resources, their relations and attachments, in one ZIP.</summary>
    /// <returns>An operation to add resources to and run.</returns>
    Packages.PackageExportOperation Package();
}

/// <summary>Creates export operations over the registered resources.</summary>
internal sealed class BulkExporter(ResourceRegistry registry, JobServices services, IServiceProvider provider) : IBulkExporter
{
    public ExportOperation<T> For<T>()
        where T : class => new(registry.Get<T>(), services);

    public Packages.PackageExportOperation Package() => new(registry, services, provider, this);
}
