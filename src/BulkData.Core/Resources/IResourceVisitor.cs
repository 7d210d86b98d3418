namespace BulkData.Resources;

/// <summary>
/// A typed call into a resource known by name only (<see cref="IResourceEntry.Accept{TResult}"/>): the one place
/// where code that holds an <see cref="IResourceEntry"/> gets its item type as a type parameter.
/// </summary>
/// <typeparam name="TResult">What the call returns (a <see cref="Task"/> for asynchronous work).</typeparam>
public interface IResourceVisitor<out TResult>
{
    /// <summary>Makes the call with the typed resource.</summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="resource">The resource.</param>
    /// <returns>The call's result.</returns>
    TResult Visit<T>(Resource<T> resource)
        where T : class;
}
