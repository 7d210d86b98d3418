using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sources;

namespace BulkData.Packages;

/// <summary>One table of a package being imported.</summary>
internal interface IPackageImportStep
{
    Type ItemType { get; }

    /// <summary>The table's name in the package.</summary>
    string Name { get; }

    /// <summary>The item types the resource references.</summary>
    IEnumerable<Type> ParentTypes { get; }

    /// <summary>The package resources its schema's foreign keys name.</summary>
    IEnumerable<string> ParentNames { get; }

    /// <summary>Refuses a schema with fields the resource has no column for, or without its key.</summary>
    void CheckSchema();

    Task<PackageResourceResult> RunAsync(IPackageTransaction transaction, CancellationToken cancellationToken);
}

/// <summary>
/// Imports one table into the package's transaction, through the resource's own pipeline (mapping, conversion,
/// validators), its references resolved to ids and its attachments stored first.
/// </summary>
internal sealed class PackageImportStep<T>(PackageImportRun run, PackageResource table, Resource<T> resource) : IPackageImportStep
    where T : class
{

    public Type ItemType => typeof(T);

    public string Name => table.Name;

    public IEnumerable<Type> ParentTypes => resource.Definition.References.Select(r => r.Parent);

    public IEnumerable<string> ParentNames => table.ForeignKeys.Select(k => k.Resource);

    public void CheckSchema()
    {
        if (table.Fields is not { } fields)
        {
            return;
        }

        var fieldNames = fields.Select(f => HeaderText.Normalize(f.Name)).ToList();
        var names = resource.Columns.Where(c => c.IsImported).SelectMany(HeaderMatcher.NormalizedNamesOf).ToHashSet();
        var unknown = fields.Where((_, i) => !names.Contains(fieldNames[i])).Select(f => f.Name).ToList();
        var keys = resource.KeyColumns.Where(k => !fieldNames.Any(HeaderMatcher.NormalizedNamesOf(k).Contains)).ToList();
        if (unknown.Count > 0 || keys.Count > 0)
        {
            var problems = new List<string>();
            if (unknown.Count > 0)
            {
                problems.Add($"fields {resource.Name} has no column for: {string.Join(", ", unknown)}");
            }

            if (keys.Count > 0)
            {
                problems.Add($"no field for its key {string.Join(", ", keys.Select(k => k.Name))}");
            }

            throw new DataPackageException(PackageProblem.SchemaMismatch, table.Name, $"The package's '{table.Name}' does not match the resource {resource.Name}: {string.Join("; ", problems)}. Its columns are: {string.Join(", ", resource.Columns.Where(c => c.IsImported).Select(c => c.Name))}.");
        }
    }

    public async Task<PackageResourceResult> RunAsync(IPackageTransaction transaction, CancellationToken cancellationToken)
    {
        var resolvers = new List<CellResolver>();
        foreach (var reference in resource.Definition.References)
        {
            var column = resource.Columns.First(c => c.MemberName == reference.MemberName);
            resolvers.Add(reference.ParentIn(run.Registry).Accept(new ParentResolver(column, reference, transaction)));
        }

        resolvers.AddRange(resource.Definition.Attachments.Select(a => new AttachmentResolver(resource.Columns.First(c => c.MemberName == a), run.Attachments)));
        await using var file = run.Archive.Open(table.Path);
        IImportSource rows = table.Format == "json"
            ? JsonSource.FromStream(file, table.Path)
            : CsvSource.FromStream(file, table.Path, new CsvSourceOptions { Delimiter = table.Delimiter });
        var source = new PackageTableSource(rows, resolvers);
        var operation = run.Importer.For<T>().ForPackage(run.TableServices)
            .From(source)
            .OwnedBy(run.Operation.Owner, run.Operation.Tenant)
            .WithOptions(o =>
            {
                // A preview writes every valid row (the transaction is discarded) so its counts say what an import would do.
                o.CommitMode = run.Preview ? CommitMode.Partial : CommitMode.AllOrNothing;
                o.RecordRowOutcomes = run.Preview || o.RecordRowOutcomes;
            });
        var result = await operation.IntoAsync(new PackageMemberTarget<T>(transaction.TargetFor<T>(), run.Job.Id), cancellationToken).ConfigureAwait(false);
        return new PackageResourceResult(table.Name, resource.Name, result, source.Unresolved, source.UnresolvedCount);
    }

    /// <summary>The resolver of a reference, typed by its parent.</summary>
    private sealed class ParentResolver(ResourceColumn column, ResourceReference reference, IPackageTransaction transaction) : IResourceVisitor<CellResolver>
    {
        public CellResolver Visit<TParent>(Resource<TParent> parent)
            where TParent : class =>
            new ReferenceResolver<TParent>(column, parent, reference.ParentId, transaction);
    }
}

/// <summary>
/// A table's target within the package: its changes are recorded under the package's job (so one rollback undoes
/// every resource), and its import sees one context however many transactions it begins.
/// </summary>
internal sealed class PackageMemberTarget<T>(IImportTarget<T> inner, Guid packageJobId) : IImportTarget<T>
    where T : class
{
    private (ImportTargetContext Given, ImportTargetContext Package)? last;

    public bool ValidatesMergedRecords => inner.ValidatesMergedRecords;

    public ValueTask<IImportTransaction<T>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default)
    {
        if (last?.Given != context)
        {
            last = (context, context with { JobId = packageJobId });
        }

        return inner.BeginAsync(last.Value.Package, cancellationToken);
    }
}

/// <summary>
/// The package's attached files, stored in the file store before the package's transaction begins (a store in the
/// same database would otherwise wait on it) and deleted again if the import does not commit. A preview stores
/// nothing: each declared file stands for an id of its own.
/// </summary>
internal sealed class PackageAttachments(PackageArchive archive, IEnumerable<PackageResource> resources, IFileStore? files)
{
    private readonly Dictionary<string, string> names = resources.ToDictionary(r => r.Path, r => r.Title ?? Path.GetFileName(r.Path), StringComparer.Ordinal);
    private readonly Dictionary<string, Guid> ids = resources.ToDictionary(r => r.Path, _ => Guid.NewGuid(), StringComparer.Ordinal);
    private readonly List<Guid> stored = [];

    public Guid? IdOf(string path) => ids.TryGetValue(path, out var id) ? id : null;

    public async Task StoreAllAsync(CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var store = files ?? throw new BulkDataConfigurationException(nameof(IFileStore), "The package has attachments, so importing it needs a file store to keep them: register one (UseInProcessRunner, or a database-backed store).");
        foreach (var path in ids.Keys.ToList())
        {
            await using var content = archive.Open(path);
            var file = await store.SaveAsync(content, names[path], cancellationToken).ConfigureAwait(false);
            stored.Add(file.Id);
            ids[path] = file.Id;
        }
    }

    public async Task DeleteStoredAsync()
    {
        foreach (var id in stored)
        {
            await files!.DeleteAsync(id, CancellationToken.None).ConfigureAwait(false);
        }

        stored.Clear();
    }
}
