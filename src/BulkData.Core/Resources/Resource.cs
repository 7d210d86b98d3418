using System.Reflection;
using BulkData.Validation;

namespace BulkData.Resources;

/// <summary>
/// What BulkData knows about importing and exporting <typeparamref name="T"/>: its columns, key,
/// converters and rules. The generic resource reflects over any POCO; derive from it to configure
/// a resource in a class of its own and to override the hooks (instance creation, before/after row).
/// </summary>
/// <typeparam name="T">The item type: a class with public properties.</typeparam>
public class Resource<T> : IResourceEntry
    where T : class
{
    private ResourceDefinition<T>? definition;

    /// <summary>The resource's unique name (the type's name unless configured).</summary>
    public string Name => Definition.Name;

    /// <summary>The member columns, in declaration order.</summary>
    public IReadOnlyList<ResourceColumn> Columns => Array.ConvertAll(Definition.Columns, c => c.Column);

    /// <summary>The columns written on export, computed columns included, in export order.</summary>
    public IReadOnlyList<ResourceColumn> ExportColumns => Array.ConvertAll(Definition.ExportColumns, c => c.Column);

    /// <summary>The columns forming the import key (empty when the resource has none).</summary>
    public IReadOnlyList<ResourceColumn> KeyColumns => Array.ConvertAll(Definition.KeyColumns, c => c.Column);

    /// <inheritdoc/>
    Type IResourceEntry.ItemType => typeof(T);

    /// <inheritdoc/>
    TResult IResourceEntry.Accept<TResult>(IResourceVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.Visit(this);
    }

    internal ResourceDefinition<T> Definition =>
        definition ?? throw new InvalidOperationException($"The resource for {typeof(T).Name} is used before it was built; register it with AddBulkData.");

    /// <summary>Configures the resource; called once, before any fluent configuration given at registration.</summary>
    /// <param name="resource">The builder to configure.</param>
    protected virtual void Configure(ResourceBuilder<T> resource)
    {
    }

    /// <summary>Creates the item a row is read into. The default calls the public parameterless constructor.</summary>
    /// <returns>A new item.</returns>
    protected virtual T CreateInstance() =>
        ResourceModel<T>.Constructor?.Invoke() ?? throw new InvalidOperationException($"{typeof(T).Name} has no public parameterless constructor.");

    /// <summary>Runs for each row after the item is created and before its cells are converted.</summary>
    /// <param name="row">The row; its <see cref="RowContext{T}.Item"/> is the new item.</param>
    protected virtual void BeforeRow(RowContext<T> row)
    {
    }

    /// <summary>Runs for each row after its cells are converted and before validation; a place to derive members.</summary>
    /// <param name="row">The row with its converted item.</param>
    protected virtual void AfterRow(RowContext<T> row)
    {
    }

    // The pipeline calls the hooks through these; the hooks stay protected so that custom resources override them as plain protected members.
    internal T NewItem() => CreateInstance();

    internal void RunBeforeRow(RowContext<T> row) => BeforeRow(row);

    internal void RunAfterRow(RowContext<T> row) => AfterRow(row);

    /// <summary>True when a derived resource overrides <see cref="BeforeRow"/> or <see cref="AfterRow"/>, which may set members the file has no column for.</summary>
    internal bool HasRowHooks { get; private set; }

    /// <summary>Builds the resource once: reflection, then <see cref="Configure"/>, then the registration's configuration.</summary>
    internal Resource<T> Build(Action<ResourceBuilder<T>>? configure)
    {
        if (definition is not null)
        {
            throw new BulkDataConfigurationException(GetType().Name, $"The resource {GetType().Name} has already been built; register each resource instance once.");
        }

        bool Overrides(string method) => GetType().GetMethod(method, BindingFlags.NonPublic | BindingFlags.Instance)!.DeclaringType != typeof(Resource<T>);
        var overridesCreate = Overrides(nameof(CreateInstance));
        HasRowHooks = Overrides(nameof(BeforeRow)) || Overrides(nameof(AfterRow));
        if (ResourceModel<T>.Constructor is null && !overridesCreate)
        {
            throw new BulkDataConfigurationException(
                typeof(T).Name,
                $"{typeof(T).Name} has no public parameterless constructor. Add one, or derive a resource from Resource<{typeof(T).Name}> and override CreateInstance.");
        }

        var builder = new ResourceBuilder<T>(typeof(T).Name);
        Configure(builder);
        configure?.Invoke(builder);
        definition = builder.Build();
        return this;
    }
}
