namespace BulkData.Export;

/// <summary>
/// Where queued, scheduled and HTTP exports, and data packages, read the rows of <typeparamref name="T"/>: what
/// <c>AddExportSource</c> registered. Resolve it from the services to read the same rows.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ExportSource<T>
    where T : class
{
    private readonly Func<IServiceProvider, IEnumerable<T>> rows;

    internal ExportSource(Func<IServiceProvider, IEnumerable<T>> rows) => this.rows = rows;

    /// <summary>The rows, read with a scope's services (a <c>DbContext</c>'s query, say).</summary>
    /// <param name="services">The services of the scope the export runs in.</param>
    /// <returns>The rows; an <see cref="IQueryable{T}"/> lets a filter run in the database.</returns>
    public IEnumerable<T> Rows(IServiceProvider services) => rows(services);
}
