namespace BulkData.AspNetCore;

/// <summary>A resource as an importer page shows it: its name, its path in the API, and the columns a file can map to.</summary>
/// <param name="Name">The resource's name.</param>
/// <param name="Path">Its segment in the API's routes, e.g. <c>product</c> in <c>product/imports</c>.</param>
/// <param name="Columns">Its importable columns.</param>
public sealed record ResourceView(string Name, string Path, IReadOnlyList<ResourceColumnView> Columns)
{
    internal static ResourceView Of(Resources.IResourceEntry resource) => new(
        resource.Name,
        resource.Name.ToLowerInvariant(),
        resource.Columns.Where(c => c.IsImported).Select(c => new ResourceColumnView(c.Name, c.MemberName, c.IsRequired, c.IsKey, c.Aliases)).ToArray());
}
