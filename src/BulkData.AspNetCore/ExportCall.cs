using BulkData.Export;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.AspNetCore;

/// <summary>
/// Streams an export of the resource's registered source. The request (filter, columns) is checked and its rows
/// counted before the sink is created, so a bad one is answered before any byte is sent; null, with nothing
/// written, when there are more than <paramref name="maxRows"/>.
/// </summary>
internal sealed class ExportCall(IServiceProvider services, ExportRequest request, long maxRows, Func<IExportSink> sink, CancellationToken cancellationToken) : IResourceVisitor<Task<ExportResult?>>
{
    public async Task<ExportResult?> Visit<T>(Resource<T> resource)
        where T : class
    {
        var operation = request.Prepare<T>(services).From(RegisteredServices.Get<ExportSource<T>>(services).Rows(services));
        if (maxRows < long.MaxValue && await operation.CountAsync(maxRows + 1, cancellationToken).ConfigureAwait(false) > maxRows)
        {
            return null;
        }

        var writer = sink();
        await using (writer.ConfigureAwait(false))
        {
            return await operation.ToAsync(writer, cancellationToken).ConfigureAwait(false);
        }
    }
}
