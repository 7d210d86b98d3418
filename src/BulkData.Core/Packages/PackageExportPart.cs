using System.Text;
using BulkData.Export;
using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sinks;

namespace BulkData.Packages;

/// <summary>One resource of a package being exported.</summary>
internal interface IPackageExportPart
{
    Type ItemType { get; }

    /// <summary>The resource's name in the package.</summary>
    string Name { get; }

    /// <summary>The registered resource's name.</summary>
    string ResourceName { get; }

    /// <summary>The rows given to <c>Add</c>, before any stored filter; null for a resource that only brings referenced rows.</summary>
    object? Rows { get; }

    ExportFilter? Filter { get; }

    IReadOnlyList<ResourceReference> References { get; }

    IEnumerable<Type> ParentTypes { get; }

    Task WriteAsync(PackageExportRun run, CancellationToken cancellationToken);
}

/// <summary>
/// Writes one resource's table: its rows (filtered), then the rows children referenced that the filter left out,
/// a block at a time; a reference's id is written as its parent's key and an attachment's as its path.
/// </summary>
internal sealed class PackageExportPart<T> : IPackageExportPart
    where T : class
{
    private readonly Resource<T> resource;
    private readonly ExportOperation<T>? operation;

    public PackageExportPart(Resource<T> resource, ExportOperation<T> operation)
    {
        this.resource = resource;
        this.operation = operation;
    }

    /// <summary>A resource in the package only for the rows others reference.</summary>
    public PackageExportPart(Resource<T> resource) => this.resource = resource;

    public Type ItemType => typeof(T);

    public string Name => PackageManifest.ResourceName(resource.Name);

    public string ResourceName => resource.Name;

    public object? Rows => operation?.Rows;

    public ExportFilter? Filter => operation?.Filter;

    public IReadOnlyList<ResourceReference> References => resource.Definition.References;

    public IEnumerable<Type> ParentTypes => References.Select(r => r.Parent);

    public async Task WriteAsync(PackageExportRun run, CancellationToken cancellationToken)
    {
        var table = new PackageTable<T>(run.Registry, resource, run.ReferencedIds, operation?.SelectedColumns() ?? resource.Definition.ExportColumns);
        var lookups = table.References.Select(r => r.Reference.ParentIn(run.Registry).Accept(new ParentLookupOf(run, r))).ToArray();
        var tracked = run.IncludesReferencedRows
            ? run.ReferencedIds.Where(r => r.Item1 == typeof(T)).Select(r => typeof(T).GetProperty(r.Item2)!).ToDictionary(p => p, _ => new HashSet<object>())
            : [];
        var attachments = new Dictionary<Guid, string>();
        var path = $"data/{table.Name}.{run.TableFormat}";
        long count = 0;
        (long Bytes, string Hash) written;
        await using (var entry = run.CreateEntry(path))
        {
            IExportSink file = run.TableFormat == "json"
                ? JsonSink.ToStream(entry)
                : CsvSink.ToStream(entry, new CsvSinkOptions { NeutralizeFormulas = false, Encoding = new UTF8Encoding(false) });
            await using var cells = new PackageCellSink(file, table.Columns.Length);
            var writers = ColumnWriter<T>.For(table.Columns);
            await cells.BeginAsync(table.Columns.Select(c => c.Column.Name).ToArray(), cancellationToken).ConfigureAwait(false);
            var block = new List<T>(PackageExportRun.BlockSize);

            async Task WriteAsync(IAsyncEnumerable<T> rows)
            {
                await foreach (var item in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    block.Add(item);
                    if (block.Count == PackageExportRun.BlockSize)
                    {
                        await WriteBlockAsync().ConfigureAwait(false);
                    }
                }

                await WriteBlockAsync().ConfigureAwait(false);
            }

            async Task WriteBlockAsync()
            {
                foreach (var lookup in lookups)
                {
                    await lookup.ResolveAsync(block.Select(item => table.Columns[lookup.Column].GetValue(item)), cancellationToken).ConfigureAwait(false);
                }

                foreach (var column in table.Attachments)
                {
                    foreach (var id in block.Select(item => table.Columns[column].GetValue(item)).OfType<Guid>().Where(id => !attachments.ContainsKey(id)))
                    {
                        attachments[id] = await run.AttachmentPathAsync(id, cancellationToken).ConfigureAwait(false);
                    }
                }

                for (var i = 0; i < block.Count; i++)
                {
                    var item = block[i];
                    foreach (var lookup in lookups)
                    {
                        cells.Replace(lookup.Column, lookup.KeyOf(table.Columns[lookup.Column].GetValue(item)));
                    }

                    foreach (var column in table.Attachments)
                    {
                        cells.Replace(column, table.Columns[column].GetValue(item) is Guid id ? attachments[id] : null);
                    }

                    foreach (var writer in writers)
                    {
                        writer.Write(item, cells);
                    }

                    await cells.EndRowAsync(cancellationToken).ConfigureAwait(false);
                    foreach (var (property, ids) in tracked)
                    {
                        if (property.GetValue(item) is { } id)
                        {
                            ids.Add(id);
                        }
                    }

                    count++;
                    await run.RowWrittenAsync(table.Name, count, i == block.Count - 1, cancellationToken).ConfigureAwait(false);
                }

                block.Clear();
            }

            if (operation is not null)
            {
                await WriteAsync(operation.RowsAt(run.Now)).ConfigureAwait(false);
            }

            // Rows the children referenced that the filter left out (or all of them, for a resource added for them).
            foreach (var (property, ids) in tracked)
            {
                var missing = run.Requested(typeof(T), property).Where(id => !ids.Contains(id)).ToList();
                if (missing.Count > 0)
                {
                    await WriteAsync(MemberFilter.WhereInAsync(run.SourceOf<T>(), property, missing, cancellationToken)).ConfigureAwait(false);
                }
            }

            await cells.CompleteAsync(cancellationToken).ConfigureAwait(false);
            written = entry.Finish();
        }

        run.Add(
            new PackageResource(table.Name, path)
            {
                IsTabular = true,
                Format = run.TableFormat,
                Fields = table.Fields(),
                PrimaryKey = resource.KeyColumns.Select(k => k.Name).ToArray(),
                ForeignKeys = table.References.Where(r => run.Types.Contains(r.Reference.Parent))
                    .Select(r => new PackageForeignKey([table.Columns[r.Column].Column.Name], r.ParentName, [r.ParentKey.Name])).ToArray(),
                Bytes = written.Bytes,
                Hash = written.Hash,
            },
            count);
        await run.WriteAttachmentsAsync(attachments.Keys, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The lookup of a reference's parent keys, typed by its parent.</summary>
    private sealed class ParentLookupOf(PackageExportRun run, PackageReference reference) : IResourceVisitor<ParentLookup>
    {
        public ParentLookup Visit<TParent>(Resource<TParent> parent)
            where TParent : class =>
            new ParentLookup<TParent>(run, parent, reference);
    }
}

/// <summary>Turns the ids a reference column holds into its parent's keys, looked up a block at a time.</summary>
internal abstract class ParentLookup(PackageReference reference)
{
    protected Dictionary<object, string?> Keys { get; } = [];

    protected PackageReference Reference { get; } = reference;

    public int Column => Reference.Column;

    public abstract Task ResolveAsync(IEnumerable<object?> ids, CancellationToken cancellationToken);

    public string? KeyOf(object? id) => id is null ? null : Keys[id];
}

/// <inheritdoc/>
internal sealed class ParentLookup<TParent>(PackageExportRun run, Resource<TParent> parent, PackageReference reference) : ParentLookup(reference)
    where TParent : class
{
    private readonly IColumnBinding<TParent> key = parent.Definition.KeyColumns[0];
    private readonly IEnumerable<TParent> parents = run.SourceOf<TParent>();

    public override async Task ResolveAsync(IEnumerable<object?> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.OfType<object>().Distinct().ToList();
        var missing = wanted.Where(id => !Keys.ContainsKey(id)).ToList();
        await foreach (var parent in MemberFilter.WhereInAsync(parents, Reference.Reference.ParentId, missing, cancellationToken).ConfigureAwait(false))
        {
            Keys[Reference.Reference.ParentId.GetValue(parent)!] = key.FormatValue(parent, ValueFormat.Invariant);
        }

        if (missing.FirstOrDefault(id => !Keys.ContainsKey(id)) is { } lost)
        {
            throw new InvalidOperationException($"A row references {typeof(TParent).Name} {Reference.Reference.ParentId.Name} {lost}, which does not exist: the package could not carry the relation. Fix the row, then export again.");
        }

        if (run.IncludesReferencedRows && run.Types.Contains(typeof(TParent)))
        {
            run.Requested(typeof(TParent), Reference.Reference.ParentId).UnionWith(wanted);
        }
    }
}
