using System.Collections.Immutable;
using BulkData.Export;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData;

/// <summary>
/// One export being set up: its rows, columns, filter and owner. Each call returns a new operation. Finish with
/// <see cref="ToAsync"/>, which runs as a job in the job store, or <see cref="EnqueueAsync"/>, which queues it
/// for a runner. Filter in the query you pass, or with a stored <see cref="ExportFilter"/> (<see cref="Where"/>);
/// an EF Core <c>IQueryable</c> filters in the database and streams through <c>IAsyncEnumerable</c>.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ExportOperation<T>
    where T : class
{
    internal ExportOperation(Resource<T> resource, JobServices services)
    {
        Resource = resource;
        Services = services;
    }

    private ExportOperation(ExportOperation<T> other)
    {
        Resource = other.Resource;
        Services = other.Services;
        Options = other.Options;
        Rows = other.Rows;
        Filter = other.Filter;
        ColumnNames = other.ColumnNames;
        Owner = other.Owner;
        Tenant = other.Tenant;
        Parameters = other.Parameters;
        Progress = other.Progress;
    }

    /// <summary>The resource exported.</summary>
    public Resource<T> Resource { get; }

    /// <summary>The owner recorded on the job.</summary>
    public string? Owner { get; private init; }

    /// <summary>The tenant recorded on the job.</summary>
    public string? Tenant { get; private init; }

    internal JobServices Services { get; }

    internal ExportOptions Options { get; private init; } = new();

    /// <summary>What <c>From</c> was given: an <see cref="IQueryable{T}"/> is filtered in its query, anything else as it streams.</summary>
    internal object? Rows { get; private init; }

    internal ExportFilter? Filter { get; private init; }

    internal ImmutableArray<string> ColumnNames { get; private init; } = [];

    internal ImmutableDictionary<string, string> Parameters { get; private init; } = ImmutableDictionary<string, string>.Empty;

    internal IProgress<JobProgress>? Progress { get; private init; }

    /// <summary>Exports these rows. A query that is also <see cref="IAsyncEnumerable{T}"/> (EF Core's) is streamed asynchronously.</summary>
    /// <param name="rows">The rows, e.g. <c>db.Products.Where(p =&gt; p.Active)</c>.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> From(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new(this) { Rows = rows };
    }

    /// <summary>Exports these rows, streamed.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> From(IAsyncEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new(this) { Rows = rows };
    }

    /// <summary>Exports only these columns, in this order (default: the resource's export columns).</summary>
    /// <param name="columns">Header or member names; computed columns by their header.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">A name matches no export column.</exception>
    public ExportOperation<T> Columns(params string[] columns)
    {
        CheckColumns(Resource, columns);
        return new(this) { ColumnNames = [.. columns] };
    }

    /// <summary>
    /// Exports only the rows a stored filter matches, translated into the rows' query (a database filters them);
    /// relative date spans count back from the run's time. The filter is recorded on the job.
    /// </summary>
    /// <param name="filter">The filter.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">A field is unknown or a value does not read as its field's type.</exception>
    public ExportOperation<T> Where(ExportFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Validate(Resource);
        return new(this) { Filter = filter, Parameters = Parameters.SetItem(QueuedExport.FilterParameter, filter.ToJson()) };
    }

    /// <summary>Records who runs the export, and for which tenant.</summary>
    /// <param name="owner">The user or service.</param>
    /// <param name="tenant">The tenant, in a multi-tenant application.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> OwnedBy(string? owner, string? tenant = null) => new(this) { Owner = owner, Tenant = tenant };

    /// <summary>Records a parameter on the job (e.g. the filter used).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(this) { Parameters = Parameters.SetItem(name, value) };
    }

    /// <summary>Reports progress every <see cref="ExportOptions.ProgressInterval"/> rows and at the end.</summary>
    /// <param name="progress">The progress callback.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> WithProgress(IProgress<JobProgress> progress) => new(this) { Progress = progress };

    /// <summary>Changes options for this export only.</summary>
    /// <param name="configure">Changes a copy of the current options.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of range.</exception>
    public ExportOperation<T> WithOptions(Action<ExportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var copy = new ExportOptions { ProgressInterval = Options.ProgressInterval };
        configure(copy);
        BulkDataConfigurationException.ThrowIfInvalid(copy);
        return new(this) { Options = copy };
    }

    /// <summary>Writes the rows to a sink, as a job. The sink is completed but not disposed.</summary>
    /// <param name="sink">The file format to write, e.g. <c>CsvSink.ToFile("products.csv")</c>.</param>
    /// <param name="cancellationToken">Cancels the export; the job ends cancelled.</param>
    /// <returns>The result.</returns>
    public async Task<ExportResult> ToAsync(IExportSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var run = new ExportRun<T>(this, sink);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new ExportResult(run.Job);
    }

    /// <summary>
    /// Counts the rows this export would write, filtered as a run filters them, stopping at <paramref name="atMost"/>:
    /// a query counts in the database (<c>LIMIT</c>), other rows are enumerated once. To refuse an export above a
    /// limit before writing anything, count to the limit plus one.
    /// </summary>
    /// <param name="atMost">Where to stop counting.</param>
    /// <param name="cancellationToken">Cancels the count.</param>
    /// <returns>The number of rows, at most <paramref name="atMost"/>.</returns>
    public async Task<long> CountAsync(long atMost, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(atMost);
        if (atMost == 0)
        {
            return 0;
        }

        var rows = RowsAt(Services.Time.GetUtcNow());
        if (rows is IQueryable<T> query && query.Take((int)Math.Min(atMost, int.MaxValue)).Select(_ => true) is IAsyncEnumerable<bool> ones)
        {
            return await CountAsync(ones, atMost, cancellationToken).ConfigureAwait(false);
        }

        return await CountAsync(rows, atMost, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Queues the export for a runner (<c>UseInProcessRunner</c> or a clustered one) and returns its job id at
    /// once: a worker reads the rows from the resource's registered export source (<c>AddExportSource</c>),
    /// applies this operation's filter and columns, and keeps the file in the file store; the job's
    /// <c>output</c> parameter names it. Poll the job in the job store.
    /// </summary>
    /// <param name="format">The file format: <c>csv</c>, <c>xlsx</c> or <c>json</c>.</param>
    /// <param name="cancellationToken">Cancels queuing.</param>
    /// <returns>The queued job's id.</returns>
    /// <exception cref="BulkDataConfigurationException">The format is not one of those.</exception>
    /// <exception cref="InvalidOperationException">No runner is registered.</exception>
    public async Task<Guid> EnqueueAsync(string format, CancellationToken cancellationToken = default) =>
        (await EnqueueAsJobAsync(format, Guid.CreateVersion7(), cancellationToken).ConfigureAwait(false))!.Value;

    /// <summary>Queues the export as the job <paramref name="jobId"/>; null when that job exists already (another node queued it).</summary>
    internal async Task<Guid?> EnqueueAsJobAsync(string format, Guid jobId, CancellationToken cancellationToken)
    {
        format = Services.Formats.CheckWritable(format);
        var runner = Services.Runner ?? throw new InvalidOperationException("Queued exports need a runner: add one with AddBulkData(b => b.UseInProcessRunner()) or a clustered runner.");
        var parameters = new Dictionary<string, string>(Parameters);
        if (!ColumnNames.IsEmpty)
        {
            parameters[QueuedExport.ColumnsParameter] = System.Text.Json.JsonSerializer.Serialize(ColumnNames);
        }

        var job = new Job
        {
            Id = jobId,
            Kind = JobKind.Export,
            Resource = Resource.Name,
            Format = format,
            FileName = $"{Resource.Name}.{format}",
            Owner = Owner,
            Tenant = Tenant,
            Parameters = parameters,
        };
        var recorder = new JobRecorder(Services.JobStore, Services.Time, Services.Logger, Owner);
        try
        {
            await recorder.CreateAsync(job, $"Export of {job.Resource} to {format}", JobStatus.Queued, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Stores refuse a second job with the same id, each in its own way: the job being there says which.
            if (await Services.JobStore.GetAsync(jobId, cancellationToken).ConfigureAwait(false) is not null)
            {
                return null;
            }

            throw;
        }

        await runner.EnqueueAsync(job.Id, cancellationToken).ConfigureAwait(false);
        return job.Id;
    }

    /// <summary>Runs a queued export job; <paramref name="written"/> keeps the file once the sink completed and returns what to record about it.</summary>
    internal async Task RunQueuedAsync(Job job, IExportSink sink, Func<CancellationToken, Task<IReadOnlyDictionary<string, string>>> written, CancellationToken cancellationToken) =>
        await new ExportRun<T>(this, sink, job, written).ExecuteAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The rows to write, filtered at <paramref name="now"/>: in the query when the rows are one.</summary>
    internal IAsyncEnumerable<T> RowsAt(DateTimeOffset now)
    {
        var rows = Rows ?? throw new InvalidOperationException("Call From(...) with the rows before running the export.");
        if (Filter?.ToExpression(Resource, now) is not { } predicate)
        {
            return rows as IAsyncEnumerable<T> ?? ((IEnumerable<T>)rows).ToAsyncEnumerable();
        }

        if (rows is IQueryable<T> query)
        {
            var filtered = query.Where(predicate);
            return filtered as IAsyncEnumerable<T> ?? filtered.ToAsyncEnumerable();
        }

        var matches = predicate.Compile();
        return rows is IAsyncEnumerable<T> stream ? stream.Where(matches) : ((IEnumerable<T>)rows).Where(matches).ToAsyncEnumerable();
    }

    private static async Task<long> CountAsync<TRow>(IAsyncEnumerable<TRow> rows, long atMost, CancellationToken cancellationToken)
    {
        long count = 0;
        await foreach (var _ in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (++count >= atMost)
            {
                break;
            }
        }

        return count;
    }

    /// <summary>The bindings of the selected columns, in output order.</summary>
    internal IColumnBinding<T>[] SelectedColumns() =>
        ColumnNames.IsEmpty
            ? Resource.Definition.ExportColumns
            : ColumnNames.Select(name => Resource.Definition.ExportColumns[Find(name)]).ToArray();

    /// <summary>Throws for a column name that matches no export column of the resource.</summary>
    internal static void CheckColumns(Resource<T> resource, IEnumerable<string> columns)
    {
        foreach (var column in columns)
        {
            if (Find(resource, column) < 0)
            {
                throw new BulkDataConfigurationException(
                    $"{resource.Name}.{column}",
                    $"The resource {resource.Name} has no export column '{column}'. Its columns are: {string.Join(", ", resource.ExportColumns.Select(c => c.Name))}.");
            }
        }
    }

    private int Find(string column) => Find(Resource, column);

    private static int Find(Resource<T> resource, string column) => Array.FindIndex(
        resource.Definition.ExportColumns,
        c => string.Equals(c.Column.Name, column, StringComparison.OrdinalIgnoreCase) || string.Equals(c.Column.MemberName, column, StringComparison.OrdinalIgnoreCase));
}
