using BulkData.Export;

namespace BulkData.AspNetCore;

/// <summary>An export, as the endpoint read it from the query string.</summary>
internal sealed record ExportRequest(Jobs.JobScope Scope, string? Actor, string Format, string[] Columns, ExportFilter? Filter)
{
    /// <summary>The export of <typeparamref name="T"/> the request asks for: its owner, columns and filter.</summary>
    public ExportOperation<T> Prepare<T>(IServiceProvider services)
        where T : class
    {
        var operation = RegisteredServices.Get<IBulkExporter>(services).For<T>().OwnedBy(Actor, Scope.Tenant);
        operation = Columns.Length == 0 ? operation : operation.Columns(Columns);
        return Filter is null ? operation : operation.Where(Filter);
    }
}
