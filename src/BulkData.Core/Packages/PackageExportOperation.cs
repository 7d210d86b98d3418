using System.Collections.Immutable;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using BulkData.DependencyInjection;
using BulkData.Export;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.Packages;

/// <summary>
/// One data package export being set up: the resources it holds, each with its own rows, stored filter and
/// columns, and whether the rows they reference come too. Each call returns a new operation. Finish with
/// <see cref="ToAsync"/>, which writes the package as one job.
/// </summary>
public sealed class PackageExportOperation
{
    private readonly ResourceRegistry registry;
    private readonly JobServices services;
    private readonly IServiceProvider provider;
    private readonly IBulkExporter exporter;

    internal PackageExportOperation(ResourceRegistry registry, JobServices services, IServiceProvider provider, IBulkExporter exporter)
    {
        this.registry = registry;
        this.services = services;
        this.provider = provider;
        this.exporter = exporter;
    }

    private PackageExportOperation(PackageExportOperation other)
    {
        registry = other.registry;
        services = other.services;
        provider = other.provider;
        exporter = other.exporter;
        Parts = other.Parts;
        IncludesReferencedRows = other.IncludesReferencedRows;
        TableFormat = other.TableFormat;
        Owner = other.Owner;
        Tenant = other.Tenant;
        Progress = other.Progress;
    }

    /// <summary>The owner recorded on the job.</summary>
    public string? Owner { get; private init; }

    /// <summary>The tenant recorded on the job and in the package's metadata.</summary>
    public string? Tenant { get; private init; }

    /// <summary>True when the rows that exported rows reference come too (see <see cref="WithReferencedRows"/>).</summary>
    public bool IncludesReferencedRows { get; private init; }

    /// <summary>The format of the package's tables: <c>csv</c> (the default) or <c>json</c> (an array of objects per table).</summary>
    public string TableFormat { get; private init; } = "csv";

    internal ImmutableList<IPackageExportPart> Parts { get; private init; } = [];

    internal IProgress<JobProgress>? Progress { get; private init; }

    /// <summary>Adds a resource's rows, e.g. <c>Add(db.Accounts)</c>; a query streams and is filtered in the database.</summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="rows">The rows.</param>
    /// <param name="configure">Sets this resource's stored filter (<c>Where</c>) and columns (<c>Columns</c>); null for every row and column.</param>
    /// <returns>A new operation.</returns>
    /// <exception cref="BulkDataConfigurationException">The resource is in the package already.</exception>
    public PackageExportOperation Add<T>(IEnumerable<T> rows, Func<ExportOperation<T>, ExportOperation<T>>? configure = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Parts.Any(p => p.ItemType == typeof(T)))
        {
            throw new BulkDataConfigurationException(typeof(T).Name, $"{typeof(T).Name} is in the package already; add each resource once.");
        }

        var operation = exporter.For<T>().From(rows);
        return new(this) { Parts = Parts.Add(new PackageExportPart<T>(operation.Resource, configure is null ? operation : configure(operation))) };
    }

    /// <summary>
    /// Adds the rows that exported rows reference (<c>References</c>), transitively, so the package imports
    /// anywhere: an order's customer comes with it even when the customers' filter leaves it out, or when customers
    /// were not added at all. The extra rows are read from the resource's export source (<c>AddExportSource</c>),
    /// or else from the rows given to <see cref="Add{T}"/> before their filter.
    /// </summary>
    /// <param name="include">False to leave them out (the default): references then resolve on import against the target's records.</param>
    /// <returns>A new operation.</returns>
    public PackageExportOperation WithReferencedRows(bool include = true) => new(this) { IncludesReferencedRows = include };

    /// <summary>Writes each table as JSON (an array of objects, values typed) instead of CSV; imports read either.</summary>
    /// <returns>A new operation.</returns>
    public PackageExportOperation AsJson() => new(this) { TableFormat = "json" };

    /// <summary>Records who runs the export, and for which tenant.</summary>
    /// <param name="owner">The user or service.</param>
    /// <param name="tenant">The tenant, in a multi-tenant application.</param>
    /// <returns>A new operation.</returns>
    public PackageExportOperation OwnedBy(string? owner, string? tenant = null) => new(this) { Owner = owner, Tenant = tenant };

    /// <summary>Reports progress every 1,000 rows and at the end.</summary>
    /// <param name="progress">The progress callback.</param>
    /// <returns>A new operation.</returns>
    public PackageExportOperation WithProgress(IProgress<JobProgress> progress) => new(this) { Progress = progress };

    /// <summary>
    /// Writes the package, a ZIP, to a stream, as one job: each resource's rows as a CSV file, each attached file,
    /// and <c>datapackage.json</c> with their schemas, sizes and SHA-256 hashes. Rows stream: memory holds a block
    /// of rows, the ids looked up for references, and the attachments' names.
    /// </summary>
    /// <param name="output">The stream written to; it is not closed. Asynchronous writes only are used.</param>
    /// <param name="cancellationToken">Cancels the export; the job ends cancelled and the output is incomplete.</param>
    /// <returns>The result, with the rows per resource.</returns>
    /// <exception cref="BulkDataConfigurationException">The package holds no resource, or a resource cannot be packaged (no key, a reference without a way to look its parent up).</exception>
    public async Task<PackageExportResult> ToAsync(Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Parts.IsEmpty)
        {
            throw new BulkDataConfigurationException(nameof(PackageExportOperation), "The package holds no resource; add one with Add(...).");
        }

        using var run = new PackageExportRun(this, registry, services, provider, output);
        await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        return new PackageExportResult(run.Job, run.RowsByResource);
    }

    /// <summary>The parts to write, with the parents referenced rows need added (as parts with no rows of their own).</summary>
    internal IReadOnlyList<IPackageExportPart> PartsToWrite()
    {
        var parts = Parts.ToList();
        for (var i = 0; IncludesReferencedRows && i < parts.Count; i++)
        {
            foreach (var reference in parts[i].References.Where(r => parts.All(p => p.ItemType != r.Parent)))
            {
                parts.Add(reference.ParentIn(registry).Accept(ReferencedPart.Instance));
            }
        }

        return parts;
    }

    /// <summary>The part of a resource in the package only for the rows others reference.</summary>
    private sealed class ReferencedPart : IResourceVisitor<IPackageExportPart>
    {
        public static readonly ReferencedPart Instance = new();

        public IPackageExportPart Visit<T>(Resource<T> resource)
            where T : class =>
            new PackageExportPart<T>(resource);
    }
}

/// <summary>
/// Writes a package: the tables children first (so the rows they reference are known when their parents are
/// written), each followed by its attachments, then the manifest. The ZIP writes synchronously into a buffer that
/// is drained to the output asynchronously after every block of rows.
/// </summary>
internal sealed class PackageExportRun(PackageExportOperation operation, ResourceRegistry registry, JobServices services, IServiceProvider provider, Stream output) : IDisposable
{
    public const int BlockSize = 1_000;

    private readonly JobRecorder recorder = new(services.JobStore, services.Time, services.Logger, operation.Owner);
    private readonly DrainedWriteStream drained = new(output);
    private readonly List<PackageResource> resources = [];
    private readonly Dictionary<Guid, string> attachmentPaths = [];
    private readonly HashSet<Guid> writtenAttachments = [];
    private readonly HashSet<string> folders = [];
    private readonly Dictionary<Guid, string> attachmentNames = [];
    private readonly Dictionary<(Type, System.Reflection.PropertyInfo), HashSet<object>> requested = [];
    private readonly Dictionary<string, long> rowsByResource = [];
    private IReadOnlyList<IPackageExportPart> parts = [];
    private ZipArchive? zip;
    private long rows;

    public Job Job => recorder.Job;

    public IReadOnlyDictionary<string, long> RowsByResource => rowsByResource;

    public ResourceRegistry Registry => registry;

    public IServiceProvider Provider => provider;

    public DateTimeOffset Now { get; } = services.Time.GetUtcNow();

    public bool IncludesReferencedRows => operation.IncludesReferencedRows;

    public string TableFormat => operation.TableFormat;

    /// <summary>The (type, id member) pairs other resources reference: those ids stay out of the package.</summary>
    public HashSet<(Type, string)> ReferencedIds { get; } = [];

    /// <summary>The item types in the package.</summary>
    public HashSet<Type> Types { get; } = [];

    public async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        parts = operation.PartsToWrite();
        Types.UnionWith(parts.Select(p => p.ItemType));
        foreach (var reference in parts.SelectMany(p => p.References))
        {
            ReferencedIds.Add((reference.Parent, reference.ParentId.Name));
        }

        var order = RelationOrder.ParentsFirst(parts, p => parts.Where(q => p.ParentTypes.Contains(q.ItemType)), p => p.Name, out var cycle)
            ?? throw new BulkDataConfigurationException(parts[0].Name, $"The resources reference each other in a circle ({cycle}), so a package cannot be imported in order. Leave one of them out.");

        await recorder.CreateAsync(
            new Job
            {
                Id = Guid.CreateVersion7(),
                Kind = JobKind.Export,
                Resource = "package",
                Format = Formats.FileFormats.DataPackage,
                FileName = "package.zip",
                Owner = operation.Owner,
                Tenant = operation.Tenant,
                Parameters = new Dictionary<string, string>
                {
                    ["resources"] = string.Join(", ", order.Select(p => p.Name)),
                    ["referencedRows"] = operation.IncludesReferencedRows ? "true" : "false",
                },
            },
            $"Package of {string.Join(", ", order.Select(p => p.Name))}",
            JobStatus.Pending,
            cancellationToken).ConfigureAwait(false);
        try
        {
            await recorder.StartAsync(JobStatus.Processing, "exporting", cancellationToken).ConfigureAwait(false);
            zip = new ZipArchive(drained, ZipArchiveMode.Create, leaveOpen: true);
            foreach (var part in order.Reverse())
            {
                await part.WriteAsync(this, cancellationToken).ConfigureAwait(false);
            }

            await WriteManifestAsync(order, cancellationToken).ConfigureAwait(false);
            zip.Dispose();
            await drained.DrainAsync(cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            recorder.Attach(Job with { Parameters = new Dictionary<string, string>(Job.Parameters) { ["rows"] = System.Text.Json.JsonSerializer.Serialize(rowsByResource) } });
            await FinishAsync(JobStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await FinishAsync(JobStatus.Cancelled, "Cancelled by the caller.", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        catch (Exception e)
        {
            await FinishAsync(JobStatus.Failed, $"The package export stopped on an error: {e.Message}", CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public void Dispose()
    {
        zip?.Dispose();
        drained.Dispose();
    }

    /// <summary>
    /// Where the rows of <typeparamref name="T"/> are looked up by id (a reference's parent key, a referenced row):
    /// the resource's export source, else the rows given to <c>Add</c> before their filter.
    /// </summary>
    public IEnumerable<T> SourceOf<T>()
        where T : class =>
        provider.GetService(typeof(ExportSource<T>)) is ExportSource<T> source
            ? source.Rows(provider)
            : parts.FirstOrDefault(p => p.ItemType == typeof(T))?.Rows as IEnumerable<T>
            ?? throw new BulkDataConfigurationException(typeof(T).Name, $"The package refers to {typeof(T).Name} rows, so it needs to look them up: register AddExportSource<{typeof(T).Name}>(...) or add {typeof(T).Name} to the package.");

    /// <summary>Opens a package entry for writing, hashed as it is written.</summary>
    public HashingStream CreateEntry(string path)
    {
        // Folder entries first, as zip tools write them: some unpackers create no folder for a file without one.
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (folders.Add(path[..(slash + 1)]))
            {
                zip!.CreateEntry(path[..(slash + 1)]);
            }
        }

        return new(zip!.CreateEntry(path, CompressionLevel.Fastest).Open());
    }

    /// <summary>Records a written table or file in the manifest.</summary>
    public void Add(PackageResource resource, long tableRows = -1)
    {
        resources.Add(resource);
        if (tableRows >= 0)
        {
            rowsByResource[resource.Name] = tableRows;
        }
    }

    /// <summary>The ids of <paramref name="parent"/> rows referenced so far through <paramref name="id"/>, to come with the package.</summary>
    public HashSet<object> Requested(Type parent, System.Reflection.PropertyInfo id)
    {
        if (!requested.TryGetValue((parent, id), out var set))
        {
            requested[(parent, id)] = set = [];
        }

        return set;
    }

    /// <summary>
    /// Counts a written row of <paramref name="table"/>; every block, hands the ZIP's output on and reports progress, the
    /// phase naming the table and its rows so far (<c>exporting customer: 12,000 rows</c>).
    /// </summary>
    public async ValueTask RowWrittenAsync(string table, long tableRows, bool endOfBlock, CancellationToken cancellationToken)
    {
        rows++;
        if (endOfBlock)
        {
            await drained.DrainAsync(cancellationToken).ConfigureAwait(false);
            await recorder.SaveAsync(Snapshot(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"exporting {table}: {tableRows:N0} rows")), cancellationToken).ConfigureAwait(false);
            operation.Progress?.Report(Job.Progress);
        }
    }

    public ValueTask DrainAsync(CancellationToken cancellationToken) => drained.DrainAsync(cancellationToken);

    /// <summary>The package path of an attachment, looked up in the file store once per file.</summary>
    public async ValueTask<string> AttachmentPathAsync(Guid id, CancellationToken cancellationToken)
    {
        if (attachmentPaths.TryGetValue(id, out var path))
        {
            return path;
        }

        var files = services.Files ?? throw new BulkDataConfigurationException(nameof(IFileStore), "The package has attachments, so it needs the file store they are kept in: register one (UseFileStore, UseInProcessRunner or a database-backed store).");
        var file = await files.GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"The attachment {id} is not in the file store, so the package would lose it. Remove the reference or restore the file.");
        path = $"attachments/{id:N}/{SafeName(file.Name)}";
        attachmentNames[id] = file.Name;
        attachmentPaths[id] = path;
        return path;
    }

    /// <summary>Copies the attachments of a table written just now into the package.</summary>
    public async Task WriteAttachmentsAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var buffer = new byte[81_920];
        foreach (var id in ids.Where(writtenAttachments.Add))
        {
            var path = attachmentPaths[id];
            await using var file = await services.Files!.OpenAsync(id, cancellationToken).ConfigureAwait(false);
            await using var entry = CreateEntry(path);
            int read;
            while ((read = await file.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await entry.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                await drained.DrainAsync(cancellationToken).ConfigureAwait(false);
            }

            var (bytes, hash) = entry.Finish();
            Add(new PackageResource($"attachment-{id:N}", path) { Title = attachmentNames[id], Bytes = bytes, Hash = hash });
        }
    }

    private async Task WriteManifestAsync(IReadOnlyList<IPackageExportPart> order, CancellationToken cancellationToken)
    {
        // Tables parents first, as they import; attachments after them.
        var tables = order.Select(p => resources.First(r => r.IsTabular && r.Name == p.Name)).ToList();
        var metadata = new JsonObject
        {
            ["formatVersion"] = PackageManifest.FormatVersion,
            ["producer"] = $"BulkData {typeof(PackageManifest).Assembly.GetName().Version?.ToString(3)}",
            ["exportedAt"] = Now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["tenant"] = operation.Tenant,
            ["resources"] = new JsonObject(order.Select(p => KeyValuePair.Create(p.Name, (JsonNode?)new JsonObject
            {
                ["resource"] = p.ResourceName,
                ["rows"] = rowsByResource[p.Name],
                ["filter"] = p.Filter is { } filter ? JsonNode.Parse(filter.ToJson()) : null,
                ["referencedRowsOnly"] = operation.Parts.All(q => q.ItemType != p.ItemType),
            }))),
        };
        var manifest = new PackageManifest([.. tables, .. resources.Where(r => !r.IsTabular)], metadata);
        await using var entry = zip!.CreateEntry(PackageArchive.ManifestName, CompressionLevel.Fastest).Open();
        await entry.WriteAsync(manifest.ToJson(), cancellationToken).ConfigureAwait(false);
    }

    private static string SafeName(string name)
    {
        var safe = new StringBuilder();
        foreach (var c in Path.GetFileName(name.Replace('\\', '/')))
        {
            safe.Append(char.IsLetterOrDigit(c) || c is '.' or '-' or '_' or ' ' or '(' or ')' ? c : '_');
        }

        var text = safe.ToString().Trim('.');
        return text.Length == 0 ? "file" : text[..Math.Min(text.Length, 100)];
    }

    private Job Snapshot(string phase) => Job with { Progress = new JobProgress(rows, null, phase), Counts = new JobCounts(Read: rows, Valid: rows) };

    private async Task FinishAsync(JobStatus status, string? reason, CancellationToken cancellationToken)
    {
        await recorder.FinishAsync(Snapshot("done") with { Status = status, FailureReason = reason }, $"{rows} rows written", cancellationToken).ConfigureAwait(false);
        operation.Progress?.Report(Job.Progress);
    }
}
