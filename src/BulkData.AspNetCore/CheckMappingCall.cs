using BulkData.Resources;

namespace BulkData.AspNetCore;

/// <summary>Checks that each mapped column is an importable column of the resource.</summary>
/// <remarks>Throws <see cref="BulkDataConfigurationException"/> naming a column that is not the resource's.</remarks>
internal sealed class CheckMappingCall(IServiceProvider services, IReadOnlyDictionary<string, string> mapping) : IResourceVisitor<bool>
{
    public bool Visit<T>(Resource<T> resource)
        where T : class
    {
        var operation = RegisteredServices.Get<IBulkImporter>(services).For<T>();
        foreach (var (header, column) in mapping)
        {
            operation = operation.MapColumn(header, column);
        }

        return true;
    }
}
