using BulkData.Resources;

namespace BulkData.AspNetCore;

/// <summary>Queues the export the request asks for; its file lands in the file store.</summary>
internal sealed class EnqueueExportCall(IServiceProvider services, ExportRequest request, CancellationToken cancellationToken) : IResourceVisitor<Task<Guid>>
{
    public Task<Guid> Visit<T>(Resource<T> resource)
        where T : class => request.Prepare<T>(services).EnqueueAsync(request.Format, cancellationToken);
}
