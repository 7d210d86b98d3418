using System.Linq.Expressions;
using System.Reflection;

namespace BulkData.Packages;

/// <summary>
/// Filters rows on one member's value being in a set, as a query a database runs (<c>WHERE key IN (...)</c>) or,
/// for rows in memory, as they stream. References are looked up this way a block of rows at a time, never one
/// row at a time.
/// </summary>
internal static class MemberFilter
{
    /// <summary>The most values in one filter: well under every database's parameter limit.</summary>
    public const int ChunkSize = 1_000;

    public static async IAsyncEnumerable<T> WhereInAsync<T>(IEnumerable<T> rows, PropertyInfo member, IEnumerable<object> values, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        foreach (var chunk in values.Chunk(ChunkSize))
        {
            IEnumerable<T> matches;
            if (rows is IQueryable<T> query)
            {
                var type = member.PropertyType;
                var typed = Array.CreateInstance(type, chunk.Length);
                for (var i = 0; i < chunk.Length; i++)
                {
                    typed.SetValue(chunk[i], i);
                }

                var item = Expression.Parameter(typeof(T), "item");
                var contains = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [type], Expression.Constant(typed), Expression.Property(item, member));
                matches = query.Where(Expression.Lambda<Func<T, bool>>(contains, item));
            }
            else
            {
                var wanted = chunk.ToHashSet();
                matches = rows.Where(r => member.GetValue(r) is { } value && wanted.Contains(value));
            }

            if (matches is IAsyncEnumerable<T> stream)
            {
                await foreach (var row in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    yield return row;
                }
            }
            else
            {
                foreach (var row in matches)
                {
                    yield return row;
                }
            }
        }
    }
}
