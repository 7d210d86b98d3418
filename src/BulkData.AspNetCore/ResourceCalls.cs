using System.Reflection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Sinks;

namespace BulkData.AspNetCore;

/// <summary>The typed import and export calls an endpoint makes for a resource known by name only.</summary>
internal static class ResourceCalls
{
    private static readonly MethodInfo EnqueueImportMethod = typeof(ResourceCalls).GetMethod(nameof(EnqueueImportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ExportMethod = typeof(ResourceCalls).GetMethod(nameof(ExportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EnqueueExportMethod = typeof(ResourceCalls).GetMethod(nameof(EnqueueExportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static Task<Guid> EnqueueImport(Type type, IServiceProvider services, ImportRequest request, Stream upload, CancellationToken cancellationToken) =>
        (Task<Guid>)EnqueueImportMethod.MakeGenericMethod(type).Invoke(null, [services, request, upload, cancellationToken])!;

    /// <summary>Checks the request (filter, columns) before the sink is created, so a bad one is answered before any byte is sent.</summary>
    public static Task<ExportResult> Export(Type type, IServiceProvider services, ExportRequest request, Func<IExportSink> sink, CancellationToken cancellationToken) =>
        (Task<ExportResult>)ExportMethod.MakeGenericMethod(type).Invoke(null, [services, request, sink, cancellationToken])!;

    public static Task<Guid> EnqueueExport(Type type, IServiceProvider services, ExportRequest request, CancellationToken cancellationToken) =>
        (Task<Guid>)EnqueueExportMethod.MakeGenericMethod(type).Invoke(null, [services, request, cancellationToken])!;

    // Async, so that a problem found while setting up reaches the caller in the task, not wrapped by reflection.
    private static async Task<Guid> EnqueueImportAsync<T>(IServiceProvider services, ImportRequest request, Stream upload, CancellationToken cancellationToken)
        where T : class
    {
        var operation = Get<IBulkImporter>(services).For<T>().OwnedBy(request.Actor, request.Scope.Tenant)
            .WithOptions(o => o.CommitMode = request.CommitMode ?? o.CommitMode);
        foreach (var (name, value) in request.Parameters)
        {
            operation = operation.WithParameter(name, value);
        }

        return await operation.EnqueueAsync(upload, request.FileName, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ExportResult> ExportAsync<T>(IServiceProvider services, ExportRequest request, Func<IExportSink> sink, CancellationToken cancellationToken)
        where T : class
    {
        var operation = Prepare<T>(services, request).From(Get<ExportSource<T>>(services).Rows(services));
        var writer = sink();
        await using (writer.ConfigureAwait(false))
        {
            return await operation.ToAsync(writer, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Guid> EnqueueExportAsync<T>(IServiceProvider services, ExportRequest request, CancellationToken cancellationToken)
        where T : class => await Prepare<T>(services, request).EnqueueAsync(request.Format, cancellationToken).ConfigureAwait(false);

    private static ExportOperation<T> Prepare<T>(IServiceProvider services, ExportRequest request)
        where T : class
    {
        var operation = Get<IBulkExporter>(services).For<T>().OwnedBy(request.Actor, request.Scope.Tenant);
        operation = request.Columns.Length == 0 ? operation : operation.Columns(request.Columns);
        return request.Filter is null ? operation : operation.Where(request.Filter);
    }

    private static TService Get<TService>(IServiceProvider services)
        where TService : class =>
        services.GetService(typeof(TService)) as TService
            ?? throw new BulkDataConfigurationException(typeof(TService).Name, $"This application has no {typeof(TService).Name.Replace("`1", string.Empty, StringComparison.Ordinal)} registered for the resource.");
}

/// <summary>An upload to queue, as the endpoint read it from the request.</summary>
internal sealed record ImportRequest(Jobs.JobScope Scope, string? Actor, string FileName, CommitMode? CommitMode, IReadOnlyDictionary<string, string> Parameters);

/// <summary>An export, as the endpoint read it from the query string.</summary>
internal sealed record ExportRequest(Jobs.JobScope Scope, string? Actor, string Format, string[] Columns, ExportFilter? Filter);
