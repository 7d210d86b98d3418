using System.Text.Json.Nodes;
using BulkData.DependencyInjection;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Validation;

namespace BulkData.Packages;

/// <summary>
/// One data package import being set up. Finish with <see cref="PreviewAsync"/> (every resource imported in a
/// transaction that is then discarded) or <see cref="IntoAsync"/> (all resources in one transaction, all or
/// nothing). Either checks the whole package first: the archive's entries, the manifest, every file's size and
/// hash, and each resource's schema against its registered resource. Each call returns a new operation.
/// </summary>
public sealed class PackageImportOperation
{
    private readonly ResourceRegistry registry;
    private readonly JobServices services;
    private readonly IBulkImporter importer;
    private readonly Func<DataPackageOptions, CancellationToken, Task<(string Path, bool Temporary)>> open;

    internal PackageImportOperation(ResourceRegistry registry, JobServices services, IBulkImporter importer, string name, Func<DataPackageOptions, CancellationToken, Task<(string Path, bool Temporary)>> open)
    {
        this.registry = registry;
        this.services = services;
        this.importer = importer;
        this.open = open;
        Name = name;
    }

    private PackageImportOperation(PackageImportOperation other)
    {
        registry = other.registry;
        services = other.services;
        importer = other.importer;
        open = other.open;
        Name = other.Name;
        Owner = other.Owner;
        Tenant = other.Tenant;
        options = other.options;
        mayImport = other.mayImport;
    }

    private Func<string, CancellationToken, ValueTask<bool>>? mayImport;

    private DataPackageOptions options = new();

    /// <summary>The package's file name, recorded on the job.</summary>
    public string Name { get; }

    /// <summary>The owner recorded on the job.</summary>
    public string? Owner { get; private init; }

    /// <summary>The tenant recorded on the job.</summary>
    public string? Tenant { get; private init; }

    /// <summary>Records who runs the import, and for which tenant.</summary>
    /// <param name="owner">The user or service.</param>
    /// <param name="tenant">The tenant, in a multi-tenant application.</param>
    /// <returns>A new operation.</returns>
    public PackageImportOperation OwnedBy(string? owner, string? tenant = null) => new(this) { Owner = owner, Tenant = tenant };

    /// <summary>Changes the limits for this import only.</summary>
    /// <param name="configure">Changes a copy of the current limits.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">A limit is out of range.</exception>
    public PackageImportOperation WithOptions(Action<DataPackageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var copy = new DataPackageOptions { MaxEntries = options.MaxEntries, MaxUnpackedBytes = options.MaxUnpackedBytes, MaxCompressionRatio = options.MaxCompressionRatio, MaxManifestBytes = options.MaxManifestBytes };
        configure(copy);
        BulkDataConfigurationException.ThrowIfInvalid(copy);
        return new(this) { options = copy };
    }

    /// <summary>
    /// Refuses a package that holds a resource the rule refuses (e.g. the caller's authorization for it): queuing it
    /// reads the package's manifest first and stores nothing for such a package.
    /// </summary>
    /// <param name="mayImport">Given a registered resource's name, true when the package may import it.</param>
    /// <returns>A new operation.</returns>
    public PackageImportOperation AllowingOnly(Func<string, CancellationToken, ValueTask<bool>> mayImport)
    {
        ArgumentNullException.ThrowIfNull(mayImport);
        return new(this) { mayImport = mayImport };
    }

    /// <summary>
    /// Imports every resource, in order, in one transaction of the target that is then discarded: per resource, the
    /// rows that would be new, updated, unchanged or failing, and the references that do not resolve. Nothing is written.
    /// </summary>
    /// <param name="target">Where the package would be imported.</param>
    /// <param name="cancellationToken">Cancels the preview.</param>
    /// <returns>The preview: a job of kind <see cref="JobKind.Preview"/>, <see cref="JobStatus.Validated"/> when every row would import.</returns>
    /// <exception cref="DataPackageException">The package was refused (unsafe, damaged, or not matching the registered resources).</exception>
    public Task<PackageImportResult> PreviewAsync(IPackageImportTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(target, preview: true, cancellationToken);

    /// <summary>
    /// Imports every resource in dependency order (parents before the rows that reference them), in one transaction:
    /// if any row of any resource fails, nothing is written. References carried as parents' keys get the parents'
    /// ids in the target; attachments are stored in the file store. Roll the whole package back with the job's id.
    /// </summary>
    /// <param name="target">Where the package is imported, e.g. an <c>EntityFrameworkPackageTarget</c>.</param>
    /// <param name="cancellationToken">Cancels the import; nothing is written.</param>
    /// <returns>The result: <see cref="JobStatus.Completed"/>, or the resource that failed and why.</returns>
    /// <exception cref="DataPackageException">The package was refused (unsafe, damaged, or not matching the registered resources); nothing was written.</exception>
    public Task<PackageImportResult> IntoAsync(IPackageImportTarget target, CancellationToken cancellationToken = default) =>
        RunAsync(target, preview: false, cancellationToken);

    /// <summary>
    /// Stores the package in the file store and queues its import as a job, returning its id at once; a runner imports
    /// it into the target registered with <c>AddPackageImportTarget</c>. With <paramref name="validateOnly"/>, the job
    /// previews the package and ends <see cref="JobStatus.Validated"/> (per resource counts in its <c>resources</c>
    /// parameter) until someone commits it (<c>CommitAsync</c> on the runner), which imports it as the same job.
    /// </summary>
    /// <param name="validateOnly">True to preview first and import only on commit.</param>
    /// <param name="cancellationToken">Cancels storing and queuing; no job is left behind.</param>
    /// <returns>The queued job's id.</returns>
    /// <exception cref="InvalidOperationException">No runner is registered.</exception>
    /// <exception cref="DataPackageException">The package holds a resource <see cref="AllowingOnly"/> refuses (<see cref="PackageProblem.ResourceNotAllowed"/>), or, then, its manifest cannot be read.</exception>
    public async Task<Guid> EnqueueAsync(bool validateOnly = false, CancellationToken cancellationToken = default)
    {
        var runner = services.Runner ?? throw new InvalidOperationException("Queued imports need a runner: add one with AddBulkData(b => b.UseInProcessRunner()) or a clustered runner.");
        var (path, temporary) = await open(options, cancellationToken).ConfigureAwait(false);
        try
        {
            if (mayImport is not null)
            {
                await CheckAllowedAsync(path, mayImport, cancellationToken).ConfigureAwait(false);
            }

            StoredFile stored;
            await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81_920, useAsync: true))
            {
                stored = await services.Files!.SaveAsync(file, Name, cancellationToken).ConfigureAwait(false);
            }

            var parameters = new Dictionary<string, string>
            {
                [JobParameters.File] = stored.Id.ToString(),
                ["fileSha256"] = stored.Sha256,
                ["fileBytes"] = stored.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            if (validateOnly)
            {
                parameters[JobParameters.ValidateOnly] = "true";
            }

            var job = PackageImportRun.NewJob(this, JobKind.Import) with { Parameters = parameters };
            await new JobRecorder(services.JobStore, services.Time, services.Logger, Owner).CreateAsync(job, $"{Name}, {stored.Length:N0} bytes", JobStatus.Queued, cancellationToken).ConfigureAwait(false);
            await runner.EnqueueAsync(job.Id, cancellationToken).ConfigureAwait(false);
            return job.Id;
        }
        finally
        {
            if (temporary)
            {
                File.Delete(path);
            }
        }
    }

    /// <summary>Refuses a package naming a registered resource the rule refuses; a package that cannot be read, and resources the application does not import, are the run's to refuse, so its job records the reason.</summary>
    private async Task CheckAllowedAsync(string path, Func<string, CancellationToken, ValueTask<bool>> allowed, CancellationToken cancellationToken)
    {
        PackageManifest manifest;
        try
        {
            using var archive = PackageArchive.Open(path, options);
            manifest = await PackageImportRun.ReadManifestAsync(archive, options, cancellationToken).ConfigureAwait(false);
        }
        catch (DataPackageException)
        {
            return;
        }

        foreach (var resource in manifest.Resources.Where(r => r.IsTabular))
        {
            if (PackageImportRun.Registered(registry, resource, manifest.BulkData) is { } registered
                && !await allowed(registered.Name, cancellationToken).ConfigureAwait(false))
            {
                throw new DataPackageException(PackageProblem.ResourceNotAllowed, resource.Name, $"The package holds {registered.Name} rows, which you may not import. Remove '{resource.Name}' from the package, or ask for the right to import {registered.Name}.");
            }
        }
    }

    /// <summary>Runs a queued package job: a preview while it only validates, else the import, as that job.</summary>
    internal async Task RunQueuedAsync(Job job, IPackageImportTarget target, CancellationToken cancellationToken)
    {
        var run = new PackageImportRun(this, registry, services, importer, options, preview: job.Parameters.ContainsKey(JobParameters.ValidateOnly), job);
        await run.ExecuteAsync(target, open, cancellationToken).ConfigureAwait(false);
    }

    private async Task<PackageImportResult> RunAsync(IPackageImportTarget target, bool preview, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var run = new PackageImportRun(this, registry, services, importer, options, preview);
        await run.ExecuteAsync(target, open, cancellationToken).ConfigureAwait(false);
        return new PackageImportResult(run.Job, run.Results);
    }
}

/// <summary>
/// Runs a package import: checks the archive and manifest, orders the tables, then imports each into the package's
/// transaction with its own in-memory job (the package's job is the one the store keeps), committing at the end.
/// </summary>
internal sealed class PackageImportRun(PackageImportOperation operation, ResourceRegistry registry, JobServices services, IBulkImporter importer, DataPackageOptions options, bool preview, Job? queued = null)
{
    private readonly JobRecorder recorder = new(services.JobStore, services.Time, services.Logger, operation.Owner);
    private readonly List<PackageResourceResult> results = [];

    public Job Job => recorder.Job;

    public IReadOnlyList<PackageResourceResult> Results => results;

    public ResourceRegistry Registry => registry;

    public IBulkImporter Importer => importer;

    public bool Preview => preview;

    public PackageImportOperation Operation => operation;

    /// <summary>The services of each table's import: its job lives in memory, since the package's job is the record.</summary>
    public JobServices TableServices { get; } = services with { JobStore = new InMemoryJobStore(services.Time), Runner = null, Mappings = null };

    public PackageArchive Archive { get; private set; } = null!;

    public PackageAttachments Attachments { get; private set; } = null!;

    public async Task ExecuteAsync(IPackageImportTarget target, Func<DataPackageOptions, CancellationToken, Task<(string Path, bool Temporary)>> open, CancellationToken cancellationToken)
    {
        if (queued is null)
        {
            await recorder.CreateAsync(NewJob(operation, preview ? JobKind.Preview : JobKind.Import), $"{(preview ? "Preview" : "Import")} of the package {operation.Name}", JobStatus.Pending, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            recorder.Attach(queued);
        }

        string? temporary = null;
        try
        {
            await recorder.StartAsync(JobStatus.Validating, "checking the package", cancellationToken).ConfigureAwait(false);
            var (path, isTemporary) = await open(options, cancellationToken).ConfigureAwait(false);
            temporary = isTemporary ? path : null;
            using var archive = PackageArchive.Open(path, options);
            Archive = archive;
            var manifest = await ReadManifestAsync(archive, options, cancellationToken).ConfigureAwait(false);
            foreach (var resource in manifest.Resources)
            {
                await archive.VerifyAsync(resource.Path, resource.Bytes, resource.Hash, resource.IsTabular, cancellationToken).ConfigureAwait(false);
            }

            Attachments = new PackageAttachments(archive, manifest.Resources.Where(r => !r.IsTabular), services.Files);
            var steps = manifest.Resources.Where(r => r.IsTabular).Select(r => StepFor(r, manifest.BulkData)).ToList();
            var order = RelationOrder.ParentsFirst(steps, s => steps.Where(p => s.ParentTypes.Contains(p.ItemType) || s.ParentNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase)), s => s.Name, out var cycle)
                ?? throw new DataPackageException(PackageProblem.RelationCycle, null, $"The package's resources reference each other in a circle ({cycle}), so none can be imported before the others. Break the circle, e.g. import one of them separately.");
            var failed = await ImportAsync(target, order, cancellationToken).ConfigureAwait(false);
            await FinishAsync(failed, cancellationToken).ConfigureAwait(false);
        }
        catch (ImportSourceException e)
        {
            await EndAsync(JobStatus.Failed, e.Message, [new RowError(RowErrorKind.File, e.Message, Column: (e as DataPackageException)?.Entry)], CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && queued is not null)
        {
            // A runner stopping is not a cancel: nothing was committed, and the job stays for a runner to run again.
            throw;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await EndAsync(JobStatus.Cancelled, "Cancelled by the caller. Nothing was written.", [], CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            await EndAsync(JobStatus.Failed, $"The package import stopped on an unexpected error: {e.Message} Nothing was written.", [], CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        finally
        {
            if (temporary is not null)
            {
                File.Delete(temporary);
            }
        }
    }

    public static Job NewJob(PackageImportOperation operation, JobKind kind) => new()
    {
        Id = Guid.CreateVersion7(),
        Kind = kind,
        Resource = "package",
        Format = Formats.FileFormats.DataPackage,
        FileName = operation.Name,
        Owner = operation.Owner,
        Tenant = operation.Tenant,
    };

    private IPackageImportStep StepFor(PackageResource resource, JsonObject? metadata)
    {
        var registered = Registered(registry, resource, metadata)
            ?? throw new DataPackageException(PackageProblem.UnknownResource, resource.Name, $"The package holds '{resource.Name}', which this application does not import. It imports: {string.Join(", ", registry.Names.Order())}.");
        if (resource.Format is not ("csv" or "tsv" or "json"))
        {
            throw new DataPackageException(PackageProblem.SchemaMismatch, resource.Name, $"The package's '{resource.Name}' is in the format '{resource.Format}'; package tables are read as CSV or JSON.");
        }

        var step = registered.Accept(new StepOf(this, resource));
        step.CheckSchema();
        return step;
    }

    /// <summary>The registered resource a package's table goes to: the one its BulkData metadata names, else the one of its name.</summary>
    internal static IResourceEntry? Registered(ResourceRegistry registry, PackageResource resource, JsonObject? metadata)
    {
        var registered = metadata?["resources"]?[resource.Name]?["resource"]?.GetValue<string>() ?? resource.Name;
        return registry.Find(registered) ?? registry.Find(resource.Name);
    }

    /// <summary>The step of a package's table, typed by the resource it goes to.</summary>
    private sealed class StepOf(PackageImportRun run, PackageResource table) : IResourceVisitor<IPackageImportStep>
    {
        public IPackageImportStep Visit<T>(Resource<T> resource)
            where T : class =>
            new PackageImportStep<T>(run, table, resource);
    }

    internal static async Task<PackageManifest> ReadManifestAsync(PackageArchive archive, DataPackageOptions options, CancellationToken cancellationToken)
    {
        if (!archive.Entries.TryGetValue(PackageArchive.ManifestName, out var entry))
        {
            throw new DataPackageException(PackageProblem.InvalidManifest, PackageArchive.ManifestName, "The package has no datapackage.json at its root. A data package lists its files and their schemas there; see docs/packages.md.");
        }

        if (entry.Length > options.MaxManifestBytes)
        {
            throw new ImportLimitExceededException($"{nameof(DataPackageOptions)}.{nameof(DataPackageOptions.MaxManifestBytes)}", options.MaxManifestBytes, "datapackage.json is larger than", "bytes");
        }

        await using var stream = archive.Open(PackageArchive.ManifestName);
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return PackageManifest.Parse(buffer.ToArray());
    }

    /// <summary>Imports the tables in order in one transaction; returns the one that failed, or null. The transaction ends before the job is written (a database may lock the job's table meanwhile).</summary>
    private async Task<PackageResourceResult?> ImportAsync(IPackageImportTarget target, IReadOnlyList<IPackageImportStep> order, CancellationToken cancellationToken)
    {
        PackageResourceResult? failed = null;
        try
        {
            if (!preview)
            {
                await Attachments.StoreAllAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var transaction = await target.BeginAsync(Job.Id, cancellationToken).ConfigureAwait(false);
            foreach (var step in order)
            {
                var result = await step.RunAsync(transaction, cancellationToken).ConfigureAwait(false);
                results.Add(result);
                if (!preview && !result.Result.Succeeded)
                {
                    failed = result;
                    break;
                }
            }

            if (!preview && failed is null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            await Attachments.DeleteStoredAsync().ConfigureAwait(false);
            throw;
        }

        if (failed is not null)
        {
            await Attachments.DeleteStoredAsync().ConfigureAwait(false);
        }

        return failed;
    }

    private async Task FinishAsync(PackageResourceResult? failed, CancellationToken cancellationToken)
    {
        var allValid = results.All(r => r.Result.Succeeded);
        var status = (preview, failed) switch
        {
            (true, _) => allValid ? JobStatus.Validated : JobStatus.ValidationFailed,
            (false, null) => JobStatus.Completed,
            (false, { Result.Status: JobStatus.ValidationFailed }) => JobStatus.ValidationFailed,
            _ => JobStatus.Failed,
        };
        var reason = failed is null
            ? null
            : $"The resource '{failed.Name}' could not be imported ({failed.Result.FailureReason ?? failed.Result.Status.ToString()}), so nothing was written.";
        var errors = results.SelectMany(r => r.Result.Errors.Select(e => e with { Message = $"{r.Name}: {e.Message}" })).Take(1_000).ToArray();
        await EndAsync(status, reason, errors, cancellationToken).ConfigureAwait(false);
    }

    private async Task EndAsync(JobStatus status, string? reason, RowError[] errors, CancellationToken cancellationToken)
    {
        var counts = results.Select(r => r.Result.Counts).Aggregate(
            new JobCounts(),
            (a, b) => new JobCounts(a.Read + b.Read, a.Valid + b.Valid, a.Invalid + b.Invalid, a.Created + b.Created, a.Updated + b.Updated, a.Skipped + b.Skipped, a.Unchanged + b.Unchanged, a.Existing + b.Existing, a.Duplicates + b.Duplicates));
        var perResource = System.Text.Json.JsonSerializer.Serialize(results.ToDictionary(r => r.Name, r => new { r.Resource, r.New, r.Updated, r.Unchanged, r.Failing, Unresolved = r.UnresolvedCount }));
        var job = Job with
        {
            Status = status,
            FailureReason = reason,
            Counts = counts,
            ErrorCount = results.Sum(r => r.Result.ErrorCount) + (results.Count == 0 ? errors.Length : 0),
            Errors = errors,
            Progress = new JobProgress(counts.Read, counts.Read, "done"),
            Parameters = new Dictionary<string, string>(Job.Parameters) { ["resources"] = perResource },
        };
        await recorder.FinishAsync(job, $"{counts.Read} read, {counts.Created} created, {counts.Updated} updated, {counts.Invalid} invalid in {results.Count} resources", cancellationToken).ConfigureAwait(false);
    }
}
