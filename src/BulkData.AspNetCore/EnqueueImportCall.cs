using BulkData.Resources;

namespace BulkData.AspNetCore;

/// <summary>Queues an upload's import into the resource, with the options the request gave.</summary>
internal sealed class EnqueueImportCall(IServiceProvider services, ImportRequest request, Stream upload, CancellationToken cancellationToken) : IResourceVisitor<Task<Guid>>
{
    public Task<Guid> Visit<T>(Resource<T> resource)
        where T : class
    {
        var operation = RegisteredServices.Get<IBulkImporter>(services).For<T>().OwnedBy(request.Actor, request.Scope.Tenant)
            .WithOptions(o =>
            {
                o.CommitMode = request.CommitMode ?? o.CommitMode;
                o.MergeStrategy = request.MergeStrategy ?? o.MergeStrategy;
            });
        operation = request.Culture is null ? operation : operation.WithCulture(request.Culture);
        foreach (var (name, value) in request.Parameters)
        {
            operation = operation.WithParameter(name, value);
        }

        return operation.EnqueueAsync(upload, request.FileName, cancellationToken);
    }
}
