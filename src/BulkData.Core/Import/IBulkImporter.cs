using System.Diagnostics.CodeAnalysis;
using BulkData.DependencyInjection;
using BulkData.Jobs;
using BulkData.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.Import;

/// <summary>The entry point for imports: inject it and call <see cref="For{T}"/>.</summary>
public interface IBulkImporter
{
    /// <summary>Starts setting up an import of <typeparamref name="T"/> with its registered resource and validators.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>An operation to give a source and run.</returns>
    [SuppressMessage("Naming", "CA1716", Justification = "'For' reads as intended in C#; the clash is with a Visual Basic keyword.")]
    ImportOperation<T> For<T>()
        where T : class;
}

/// <summary>
/// Creates import operations. Like <c>IHttpClientFactory</c>, it resolves the validators of the
/// requested type from the current scope, because they are generic over a type known only at the call.
/// </summary>
internal sealed class BulkImporter(ResourceRegistry registry, JobServices jobServices, IServiceProvider services) : IBulkImporter
{
    public ImportOperation<T> For<T>()
        where T : class
    {
        var resource = registry.Get<T>();
        var validators = resource.Definition.Validators.Concat(services.GetServices<IRowValidator<T>>()).ToArray();
        return new ImportOperation<T>(resource, validators, jobServices, registry.ImportDefaults.Clone());
    }
}
