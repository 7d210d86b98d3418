using System.Collections.Immutable;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sources;
using BulkData.Validation;

namespace BulkData;

/// <summary>
/// One import being set up: its source, options, explicit column mappings and owner. Each
/// <c>With...</c> call returns a new operation, so an operation can be shared and reused safely.
/// Finish with <see cref="PreviewAsync"/>, <see cref="DryRunAsync"/> or <see cref="IntoAsync(IImportTarget{T}, CancellationToken)"/>;
/// each runs as a job in the job store.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ImportOperation<T>
    where T : class
{
    internal ImportOperation(Resource<T> resource, IReadOnlyList<IRowValidator<T>> validators, JobServices services, ImportOptions options)
    {
        Resource = resource;
        Validators = validators;
        Services = services;
        this.options = options;
    }

    private ImportOperation(ImportOperation<T> other)
    {
        Resource = other.Resource;
        Validators = other.Validators;
        Services = other.Services;
        options = other.options;
        Source = other.Source;
        Owner = other.Owner;
        Tenant = other.Tenant;
        ColumnMappings = other.ColumnMappings;
        Parameters = other.Parameters;
        Progress = other.Progress;
        Culture = other.Culture;
        ColumnFormats = other.ColumnFormats;
        InvariantValues = other.InvariantValues;
    }

    /// <summary>The resource rows are imported into.</summary>
    public Resource<T> Resource { get; }

    /// <summary>The source, once <see cref="From"/> has set it.</summary>
    public IImportSource? Source { get; private init; }

    /// <summary>The options in force (a copy: changing it does not change the operation).</summary>
    public ImportOptions Options { get => options.Clone(); private init => options = value; }

    /// <summary>The owner recorded on the job.</summary>
    public string? Owner { get; private init; }

    /// <summary>The tenant recorded on the job.</summary>
    public string? Tenant { get; private init; }

    internal IReadOnlyList<IRowValidator<T>> Validators { get; }

    internal JobServices Services { get; private init; }

    /// <summary>True for a data package's table: every value is in its invariant form, whatever the column's format.</summary>
    internal bool InvariantValues { get; private init; }

    internal ImmutableDictionary<string, string> ColumnMappings { get; private init; } = ImmutableDictionary.Create<string, string>(StringComparer.OrdinalIgnoreCase);

    internal ImmutableDictionary<string, string> Parameters { get; private init; } = ImmutableDictionary<string, string>.Empty;

    internal IProgress<JobProgress>? Progress { get; private init; }

    /// <summary>The culture of this import's file, over the resource's and columns' cultures; null to keep theirs.</summary>
    internal System.Globalization.CultureInfo? Culture { get; private init; }

    /// <summary>Exact formats for this import, by member name, over the columns' own.</summary>
    internal ImmutableDictionary<string, string[]> ColumnFormats { get; private init; } = ImmutableDictionary<string, string[]>.Empty;

    private readonly ImportOptions options;

    /// <summary>Reads from this source.</summary>
    /// <param name="source">The source, e.g. <c>CsvSource.FromFile("products.csv")</c>.</param>
    /// <returns>A new operation.</returns>
    public ImportOperation<T> From(IImportSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new(this) { Source = source };
    }

    /// <summary>Changes options for this import only.</summary>
    /// <param name="configure">Changes a copy of the current options.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of range.</exception>
    public ImportOperation<T> WithOptions(Action<ImportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var copy = options.Clone();
        configure(copy);
        copy.Validate();
        return new(this) { Options = copy };
    }

    /// <summary>Maps a file header to a column explicitly, overriding automatic matching.</summary>
    /// <param name="header">The header as it appears in the file.</param>
    /// <param name="column">The column's name or member name.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">The resource has no such importable column.</exception>
    public ImportOperation<T> MapColumn(string header, string column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ImportableColumn(column);
        return new(this) { ColumnMappings = ColumnMappings.SetItem(header, column) };
    }

    /// <summary>
    /// Sets the operation up as a queued import job describes it: its owner, options, column mappings, culture and
    /// formats, so that the job's stored file can be previewed (or read again) as its run reads it. Read the file
    /// with <c>ResourceRegistry.Formats.Open(job, file)</c>.
    /// </summary>
    /// <param name="job">A queued import job of this resource.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">The job's mapping names a column the resource no longer has.</exception>
    public ImportOperation<T> WithSettingsOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return QueuedImport.Restore(this, job);
    }

    /// <summary>
    /// Reads this file's values in a culture (decimal and thousands separators, day/month order, month
    /// names) instead of the resource's and columns' own: the same resource often receives files from
    /// several countries. Typed cells (XLSX numbers and dates, JSON numbers) are unaffected.
    /// </summary>
    /// <param name="culture">The file's culture, e.g. <c>CultureInfo.GetCultureInfo("de-DE")</c>.</param>
    /// <returns>A new operation.</returns>
    public ImportOperation<T> WithCulture(System.Globalization.CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return new(this) { Culture = culture };
    }

    /// <summary>Accepts only these exact formats for one column in this import, e.g. <c>dd.MM.yyyy</c>, instead of the column's own.</summary>
    /// <param name="column">The column's name or member name.</param>
    /// <param name="formats">.NET format strings for the member's type.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">The resource has no such importable column.</exception>
    public ImportOperation<T> WithFormat(string column, params string[] formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        return new(this) { ColumnFormats = ColumnFormats.SetItem(ImportableColumn(column).MemberName, formats) };
    }

    /// <summary>The format a column's values are read in for this import.</summary>
    internal Mapping.ValueFormat FormatOf(ResourceColumn column) =>
        InvariantValues ? Mapping.ValueFormat.Invariant
        : Culture is null && !ColumnFormats.ContainsKey(column.MemberName)
            ? column.Format
            : new Mapping.ValueFormat(Culture ?? column.Format.Culture, ColumnFormats.GetValueOrDefault(column.MemberName) ?? column.Format.Formats);

    private ResourceColumn ImportableColumn(string column)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(column);
        return Resource.Columns.FirstOrDefault(c => c.IsImported && (string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase) || string.Equals(c.MemberName, column, StringComparison.OrdinalIgnoreCase)))
            ?? throw new BulkDataConfigurationException(
                $"{Resource.Name}.{column}",
                $"The resource {Resource.Name} has no importable column '{column}'. Its columns are: {string.Join(", ", Resource.Columns.Where(c => c.IsImported).Select(c => c.Name))}.");
    }

    /// <summary>Records who runs the import, and for which tenant.</summary>
    /// <param name="owner">The user or service.</param>
    /// <param name="tenant">The tenant, in a multi-tenant application.</param>
    /// <returns>A new operation.</returns>
    public ImportOperation<T> OwnedBy(string? owner, string? tenant = null) => new(this) { Owner = owner, Tenant = tenant };

    /// <summary>Records a parameter on the job (shown in job listings and audits).</summary>
    /// <param name="name">The parameter's name.</param>
    /// <param name="value">Its value.</param>
    /// <returns>A new operation.</returns>
    public ImportOperation<T> WithParameter(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(this) { Parameters = Parameters.SetItem(name, value) };
    }

    /// <summary>Reports progress after every batch and at the end.</summary>
    /// <param name="progress">The progress callback.</param>
    /// <returns>A new operation.</returns>
    public ImportOperation<T> WithProgress(IProgress<JobProgress> progress) => new(this) { Progress = progress };

    /// <summary>Reads and validates the first rows. Nothing is written.</summary>
    /// <param name="rows">How many rows; null for <see cref="ImportOptions.PreviewRows"/>.</param>
    /// <param name="cancellationToken">Cancels the preview; the job ends cancelled.</param>
    /// <returns>The preview, with the items, errors and mapping.</returns>
    public async Task<ImportPreview<T>> PreviewAsync(int? rows = null, CancellationToken cancellationToken = default)
    {
        if (rows is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "A preview reads at least one row.");
        }

        var run = new ImportRun<T>(this, JobKind.Preview, target: null, rows ?? options.PreviewRows);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new ImportPreview<T>(run.Job, run.Mapping, run.Outcomes, run.PreviewRows);
    }

    /// <summary>Reads and validates every row. Nothing is written.</summary>
    /// <param name="cancellationToken">Cancels the dry run; the job ends cancelled.</param>
    /// <returns>The result, with every error up to the cap.</returns>
    public async Task<ImportResult> DryRunAsync(CancellationToken cancellationToken = default)
    {
        var run = new ImportRun<T>(this, JobKind.DryRun, target: null, previewRows: 0);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new ImportResult(run.Job, run.Mapping, run.Outcomes);
    }

    /// <summary>Imports into a target, in batches, under the operation's commit mode.</summary>
    /// <param name="target">Where committed rows go.</param>
    /// <param name="cancellationToken">Cancels the import; the job ends cancelled and, all-or-nothing, nothing is written.</param>
    /// <returns>The result.</returns>
    public async Task<ImportResult> IntoAsync(IImportTarget<T> target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        var run = new ImportRun<T>(this, JobKind.Import, target, previewRows: 0);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new ImportResult(run.Job, run.Mapping, run.Outcomes);
    }

    /// <summary>
    /// Stores the upload in the file store and queues the import as a job, returning its id at once; a runner
    /// (<c>UseInProcessRunner</c>, or a clustered one) imports it into the target registered for the resource
    /// with <c>AddImportTarget</c>. The job carries everything needed to run it in any process: options,
    /// mappings, culture, formats, owner and tenant, and the reading options given as parameters
    /// (<c>WithParameter("sheet", ...)</c>, <c>"delimiter"</c>, <c>"hasHeaderRow"</c>). Poll it in the job store.
    /// </summary>
    /// <param name="upload">The file's content, read to its end asynchronously (a request body will do).</param>
    /// <param name="fileName">The file's name; its extension gives the format (.csv, .tsv, .xlsx, .json, .ndjson).</param>
    /// <param name="cancellationToken">Cancels storing and queuing; no job is left behind.</param>
    /// <returns>The queued job's id.</returns>
    /// <exception cref="InvalidOperationException">No runner is registered.</exception>
    public async Task<Guid> EnqueueAsync(Stream upload, string fileName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        var runner = Services.Runner ?? throw new InvalidOperationException("Queued imports need a runner: add one with AddBulkData(b => b.UseInProcessRunner()) or a clustered runner.");
        var format = Services.Formats.NameOf(fileName);
        var stored = await Services.Files!.SaveAsync(upload, fileName, cancellationToken).ConfigureAwait(false);
        var parameters = QueuedImport.Describe(this);
        parameters[JobParameters.File] = stored.Id.ToString();
        parameters["fileSha256"] = stored.Sha256;
        parameters["fileBytes"] = stored.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var recorder = new JobRecorder(Services.JobStore, Services.Time, Services.Logger, Owner);
        var job = new Job
        {
            Id = Guid.CreateVersion7(),
            Kind = JobKind.Import,
            Resource = Resource.Name,
            Format = format,
            FileName = fileName,
            Owner = Owner,
            Tenant = Tenant,
            Parameters = parameters,
        };
        await recorder.CreateAsync(job, $"{fileName}, {stored.Length:N0} bytes", JobStatus.Queued, cancellationToken).ConfigureAwait(false);
        await runner.EnqueueAsync(job.Id, cancellationToken).ConfigureAwait(false);
        return job.Id;
    }

    /// <summary>The import of one table of a data package: its job kept in <paramref name="services"/>' store, its values invariant.</summary>
    internal ImportOperation<T> ForPackage(JobServices services) => new(this) { Services = services, InvariantValues = true };

    /// <summary>Runs (or resumes) a queued job with this operation's source; one that only validates writes nothing.</summary>
    internal async Task RunQueuedAsync(Job job, IImportTarget<T> target, CancellationToken cancellationToken)
    {
        var validateOnly = job.Parameters.GetValueOrDefault(JobParameters.ValidateOnly) == "true";
        await new ImportRun<T>(this, validateOnly ? JobKind.DryRun : JobKind.Import, validateOnly ? null : target, previewRows: 0, job).ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Imports into a collection; see <see cref="CollectionTarget{T}"/>.</summary>
    /// <param name="collection">The collection to add to.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>The result.</returns>
    public Task<ImportResult> IntoAsync(ICollection<T> collection, CancellationToken cancellationToken = default) =>
        IntoAsync(new CollectionTarget<T>(collection), cancellationToken);
}
