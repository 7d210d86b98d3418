namespace BulkData.Resources;

/// <summary>
/// A resource known by its name only, as a queued job, an HTTP route or a data package finds it: what it is (name,
/// item type, columns), and a typed call into it through <see cref="Accept{TResult}"/>, so that code holding a name
/// reaches <see cref="Resource{T}"/> without reflection. Every resource is one;
/// <see cref="DependencyInjection.ResourceRegistry.Find"/> finds a registered one by name.
/// </summary>
public interface IResourceEntry
{
    /// <summary>The resource's unique name.</summary>
    string Name { get; }

    /// <summary>The item type its rows are read into and written from.</summary>
    Type ItemType { get; }

    /// <summary>The member columns, in declaration order.</summary>
    IReadOnlyList<ResourceColumn> Columns { get; }

    /// <summary>The columns forming the import key (empty when the resource has none).</summary>
    IReadOnlyList<ResourceColumn> KeyColumns { get; }

    /// <summary>Calls <paramref name="visitor"/> with the typed resource.</summary>
    /// <typeparam name="TResult">What the visitor returns.</typeparam>
    /// <param name="visitor">The typed call to make.</param>
    /// <returns>What the visitor returned.</returns>
    TResult Accept<TResult>(IResourceVisitor<TResult> visitor);
}
