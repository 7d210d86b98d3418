namespace BulkData.Packages;

/// <summary>What became of one resource of a package.</summary>
public sealed class PackageResourceResult
{
    internal PackageResourceResult(string name, string resource, ImportResult result, IReadOnlyList<UnresolvedReference> unresolved, long unresolvedCount)
    {
        Name = name;
        Resource = resource;
        Result = result;
        UnresolvedReferences = unresolved;
        UnresolvedCount = unresolvedCount;
    }

    /// <summary>The resource's name in the package.</summary>
    public string Name { get; }

    /// <summary>The registered resource it was imported into.</summary>
    public string Resource { get; }

    /// <summary>The resource's import: counts, row outcomes, errors.</summary>
    public ImportResult Result { get; }

    /// <summary>Rows written (or, in a preview, that would be) as new records.</summary>
    public long New => Result.Counts.Created;

    /// <summary>Rows written over existing records.</summary>
    public long Updated => Result.Counts.Updated;

    /// <summary>Rows whose record already held the same values.</summary>
    public long Unchanged => Result.Counts.Unchanged;

    /// <summary>Rows with errors, unresolved references included.</summary>
    public long Failing => Result.Counts.Invalid;

    /// <summary>The first references and attachments that did not resolve (up to 100).</summary>
    public IReadOnlyList<UnresolvedReference> UnresolvedReferences { get; }

    /// <summary>How many references and attachments did not resolve.</summary>
    public long UnresolvedCount { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {New} new, {Updated} updated, {Unchanged} unchanged, {Failing} failing, {UnresolvedCount} unresolved";
}
