using System.Collections.Immutable;
using System.ComponentModel.DataAnnotations;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.Export;

/// <summary>Options of an export.</summary>
public sealed class ExportOptions
{
    /// <summary>Rows between progress reports (and job snapshots). Default: 1,000.</summary>
    [Range(1, 1_000_000)]
    public int ProgressInterval { get; set; } = 1_000;
}

/// <summary>
/// One export being set up: its rows, columns and owner. Each call returns a new operation. Finish with
/// <see cref="ToAsync"/>, which runs as a job in the job store. Filter in the query you pass
/// (an EF Core <c>IQueryable</c> filters in the database and streams through <c>IAsyncEnumerable</c>).
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

    internal IAsyncEnumerable<T>? Rows { get; private init; }

    internal ImmutableArray<string> ColumnNames { get; private init; } = [];

    internal ImmutableDictionary<string, string> Parameters { get; private init; } = ImmutableDictionary<string, string>.Empty;

    internal IProgress<JobProgress>? Progress { get; private init; }

    /// <summary>Exports these rows. A query that is also <see cref="IAsyncEnumerable{T}"/> (EF Core's) is streamed asynchronously.</summary>
    /// <param name="rows">The rows, e.g. <c>db.Products.Where(p =&gt; p.Active)</c>.</param>
    /// <returns>A new operation.</returns>
    public ExportOperation<T> From(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new(this) { Rows = rows as IAsyncEnumerable<T> ?? rows.ToAsyncEnumerable() };
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
        foreach (var column in columns)
        {
            if (Find(column) < 0)
            {
                throw new BulkDataConfigurationException(
                    $"{Resource.Name}.{column}",
                    $"The resource {Resource.Name} has no export column '{column}'. Its columns are: {string.Join(", ", Resource.ExportColumns.Select(c => c.Name))}.");
            }
        }

        return new(this) { ColumnNames = [.. columns] };
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
        BulkData.Import.OptionsValidation.ThrowIfInvalid(copy);
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

    /// <summary>The bindings of the selected columns, in output order.</summary>
    internal IColumnBinding<T>[] SelectedColumns() =>
        ColumnNames.IsEmpty
            ? Resource.Definition.ExportColumns
            : ColumnNames.Select(name => Resource.Definition.ExportColumns[Find(name)]).ToArray();

    private int Find(string column) => Array.FindIndex(
        Resource.Definition.ExportColumns,
        c => string.Equals(c.Column.Name, column, StringComparison.OrdinalIgnoreCase) || string.Equals(c.Column.MemberName, column, StringComparison.OrdinalIgnoreCase));
}

/// <summary>The outcome of an export.</summary>
public sealed class ExportResult
{
    internal ExportResult(Job job)
    {
        Job = job;
    }

    /// <summary>The job as it ended.</summary>
    public Job Job { get; }

    /// <summary>The job's id.</summary>
    public Guid JobId => Job.Id;

    /// <summary>The job's final status.</summary>
    public JobStatus Status => Job.Status;

    /// <summary>The rows written.</summary>
    public long Rows => Job.Counts.Read;

    /// <summary>True when every row was written.</summary>
    public bool Succeeded => Status == JobStatus.Completed;
}
