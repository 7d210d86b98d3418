using System.Runtime.CompilerServices;
using BulkData.Mapping;
using BulkData.Resources;
using BulkData.Sources;
using BulkData.Validation;

namespace BulkData.Packages;

/// <summary>
/// Turns a package's cell texts into what the resource's member holds: a parent's key into the parent's id, an
/// attachment's path into its id in the file store. Texts are resolved a block of rows at a time.
/// </summary>
internal abstract class CellResolver(ResourceColumn column)
{
    public ResourceColumn Column { get; } = column;

    public abstract ValueTask ResolveAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken);

    /// <summary>The member's text for a package's text, or null with <paramref name="problem"/> set.</summary>
    public abstract string? Replace(string text, out string? problem);
}

/// <summary>
/// A package table read with its references and attachments resolved: rows are read ahead a block at a time
/// (copied, since a source may reuse its cells), each resolver looks the block's texts up at once, and a row whose
/// text does not resolve comes back with the problem as its row error.
/// </summary>
internal sealed class PackageTableSource(IImportSource inner, IReadOnlyList<CellResolver> resolvers) : IImportSource
{
    private const int BlockSize = 1_000;
    private const int MaxUnresolvedKept = 100;
    private readonly List<UnresolvedReference> unresolved = [];

    public string Format => inner.Format;

    public string? Name => inner.Name;

    /// <summary>The first references and attachments that did not resolve.</summary>
    public IReadOnlyList<UnresolvedReference> Unresolved => unresolved;

    /// <summary>How many did not resolve.</summary>
    public long UnresolvedCount { get; private set; }

    public async ValueTask<IImportReader> OpenAsync(CancellationToken cancellationToken = default)
    {
        var reader = await inner.OpenAsync(cancellationToken).ConfigureAwait(false);
        var headers = reader.Headers.Select(h => HeaderText.Normalize(h)).ToList();
        var active = resolvers
            .Select(r => (Resolver: r, Cell: headers.FindIndex(HeaderMatcher.NormalizedNamesOf(r.Column).Contains)))
            .Where(r => r.Cell >= 0)
            .ToArray();
        return new Reader(this, reader, active);
    }

    private sealed class Reader(PackageTableSource source, IImportReader inner, (CellResolver Resolver, int Cell)[] resolvers) : IImportReader
    {
        public IReadOnlyList<string> Headers => inner.Headers;

        public bool HasHeaderRow => inner.HasHeaderRow;

        public long? EstimatedRows => inner.EstimatedRows;

        public async IAsyncEnumerable<SourceRow> ReadRowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            var block = new List<SourceRow>(BlockSize);
            await foreach (var row in inner.ReadRowsAsync(cancellationToken).ConfigureAwait(false))
            {
                block.Add(row with { Cells = row.Cells.ToArray() });
                if (block.Count == BlockSize)
                {
                    await ResolveAsync(block, cancellationToken).ConfigureAwait(false);
                    foreach (var resolved in block)
                    {
                        yield return resolved;
                    }

                    block.Clear();
                }
            }

            await ResolveAsync(block, cancellationToken).ConfigureAwait(false);
            foreach (var resolved in block)
            {
                yield return resolved;
            }
        }

        private async Task ResolveAsync(List<SourceRow> block, CancellationToken cancellationToken)
        {
            foreach (var (resolver, cell) in resolvers)
            {
                var texts = block.Where(r => r.Problem is null && cell < r.Cells.Count && !string.IsNullOrWhiteSpace(r.Cells[cell]))
                    .Select(r => r.Cells[cell]!).ToHashSet(StringComparer.Ordinal);
                await resolver.ResolveAsync(texts, cancellationToken).ConfigureAwait(false);
            }

            for (var i = 0; i < block.Count; i++)
            {
                var row = block[i];
                var cells = (string?[])row.Cells;
                foreach (var (resolver, cell) in resolvers)
                {
                    if (row.Problem is not null || cell >= cells.Length || string.IsNullOrWhiteSpace(cells[cell]))
                    {
                        continue;
                    }

                    var text = cells[cell]!;
                    cells[cell] = resolver.Replace(text, out var problem);
                    if (problem is not null)
                    {
                        row = row with { Problem = new RowError(RowErrorKind.Validation, problem, row.RowNumber, row.LineNumber, resolver.Column.Name, text) };
                        if (++source.UnresolvedCount <= MaxUnresolvedKept)
                        {
                            source.unresolved.Add(new UnresolvedReference(row.RowNumber, resolver.Column.Name, text, problem));
                        }
                    }
                }

                block[i] = row;
            }
        }

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>Resolves a parent's key to its id among the records the package's transaction sees (the package's own parents included).</summary>
internal sealed class ReferenceResolver<TParent>(ResourceColumn column, Resource<TParent> parent, System.Reflection.PropertyInfo parentId, IPackageTransaction transaction) : CellResolver(column)
    where TParent : class
{
    private readonly IColumnBinding<TParent> key = parent.Definition.KeyColumns[0];
    private readonly Dictionary<string, object?> keyOfText = new(StringComparer.Ordinal);
    private readonly Dictionary<object, string> idOfKey = [];
    private readonly HashSet<object> missing = [];

    public override async ValueTask ResolveAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken)
    {
        foreach (var text in texts.Where(t => !keyOfText.ContainsKey(t)))
        {
            var item = parent.NewItem();
            keyOfText[text] = key.TryAssign(item, text, ValueFormat.Invariant, typed: false) is null ? key.GetValue(item) : null;
        }

        var wanted = texts.Select(t => keyOfText[t]).OfType<object>().Where(k => !idOfKey.ContainsKey(k) && !missing.Contains(k)).Distinct().ToList();
        if (wanted.Count == 0)
        {
            return;
        }

        var keyMember = typeof(TParent).GetProperty(key.Column.MemberName)!;
        await foreach (var record in MemberFilter.WhereInAsync(transaction.Query<TParent>(), keyMember, wanted, cancellationToken).ConfigureAwait(false))
        {
            if (keyMember.GetValue(record) is { } found && parentId.GetValue(record) is { } id)
            {
                idOfKey[found] = Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture)!;
            }
        }

        missing.UnionWith(wanted.Where(k => !idOfKey.ContainsKey(k)));
    }

    public override string? Replace(string text, out string? problem)
    {
        if (keyOfText[text] is { } found && idOfKey.TryGetValue(found, out var id))
        {
            problem = null;
            return id;
        }

        problem = $"There is no {parent.Name} with {key.Column.Name} '{text}' in the package or the database. Add it to the package, or correct the {Column.Name}.";
        return text;
    }
}

/// <summary>Turns an attachment's path in the package into its id in the file store.</summary>
internal sealed class AttachmentResolver(ResourceColumn column, PackageAttachments attachments) : CellResolver(column)
{
    public override ValueTask ResolveAsync(IReadOnlyCollection<string> texts, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public override string? Replace(string text, out string? problem)
    {
        if (attachments.IdOf(text) is { } id)
        {
            problem = null;
            return id.ToString();
        }

        problem = $"The attachment '{text}' is not in the package. Add the file to the package and to datapackage.json, or clear the {Column.Name}.";
        return text;
    }
}
