using System.Collections.Concurrent;
using BulkData.Resources;

namespace BulkData.DependencyInjection;

/// <summary>
/// The resources an application registered, built once at registration. A type that was never
/// registered gets the generic reflected resource on first use.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<Type, object> byType = new();
    private readonly ConcurrentDictionary<string, IResourceEntry> byName = new(StringComparer.OrdinalIgnoreCase);

    internal ImportOptions ImportDefaults { get; } = new();

    /// <summary>The file formats imports read and exports write by name (and uploads by extension or first bytes).</summary>
    public Formats.FileFormats Formats { get; } = new();

    /// <summary>The names of the registered resources.</summary>
    public IReadOnlyCollection<string> Names => byName.Keys.ToArray();

    /// <summary>Gets the resource of <typeparamref name="T"/>, building the generic one if none was registered.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>The resource.</returns>
    public Resource<T> Get<T>()
        where T : class =>
        (Resource<T>)byType.GetOrAdd(typeof(T), static _ => new Resource<T>().Build(null));

    /// <summary>Finds the item type of a resource by name.</summary>
    /// <param name="name">The resource's name.</param>
    /// <returns>The item type, or null when no resource has that name.</returns>
    public Type? FindType(string name) => Find(name)?.ItemType;

    /// <summary>Finds a registered resource by name, for a typed call into it (<see cref="IResourceEntry.Accept{TResult}"/>).</summary>
    /// <param name="name">The resource's name, in any case.</param>
    /// <returns>The resource, or null when none has that name.</returns>
    public IResourceEntry? Find(string name) => byName.GetValueOrDefault(name);

    internal void Add<T>(Resource<T> resource, Action<ResourceBuilder<T>>? configure)
        where T : class
    {
        resource.Build(configure);
        if (byType.ContainsKey(typeof(T)))
        {
            throw new BulkDataConfigurationException(typeof(T).Name, $"A resource for {typeof(T).Name} is already registered; register each type once.");
        }

        if (!byName.TryAdd(resource.Name, resource))
        {
            throw new BulkDataConfigurationException(resource.Name, $"Two resources are named '{resource.Name}' ({byName[resource.Name].ItemType.Name} and {typeof(T).Name}); give one another name with Name(...).");
        }

        byType[typeof(T)] = resource;
    }
}
