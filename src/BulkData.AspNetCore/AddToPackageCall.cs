using BulkData.Export;
using BulkData.Packages;
using BulkData.Resources;

namespace BulkData.AspNetCore;

/// <summary>Adds the resource's registered export source to a package export.</summary>
internal sealed class AddToPackageCall(IServiceProvider services, PackageExportOperation package) : IResourceVisitor<PackageExportOperation>
{
    public PackageExportOperation Visit<T>(Resource<T> resource)
        where T : class => package.Add(RegisteredServices.Get<ExportSource<T>>(services).Rows(services));
}
