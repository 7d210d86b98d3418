namespace BulkData.Packages;

/// <summary>Orders resources so that each comes after the resources it references (a topological sort).</summary>
internal static class RelationOrder
{
    /// <summary>
    /// Sorts <paramref name="nodes"/> parents first, keeping their given order where relations allow; on a cycle,
    /// returns null and the cycle's names, e.g. <c>a → b → a</c>. A node referencing itself is left to its own rows.
    /// </summary>
    public static IReadOnlyList<T>? ParentsFirst<T>(IReadOnlyList<T> nodes, Func<T, IEnumerable<T>> parentsOf, Func<T, string> name, out string? cycle)
        where T : notnull
    {
        var order = new List<T>();
        var state = new Dictionary<T, bool>(); // false: being visited; true: done
        var path = new Stack<T>();
        cycle = null;
        foreach (var node in nodes)
        {
            if (!Visit(node, out cycle))
            {
                return null;
            }
        }

        return order;

        bool Visit(T node, out string? found)
        {
            found = null;
            if (state.TryGetValue(node, out var done))
            {
                if (done)
                {
                    return true;
                }

                var loop = path.Reverse().SkipWhile(n => !n.Equals(node)).Append(node);
                found = string.Join(" → ", loop.Select(name));
                return false;
            }

            state[node] = false;
            path.Push(node);
            foreach (var parent in parentsOf(node).Where(p => !p.Equals(node) && nodes.Contains(p)))
            {
                if (!Visit(parent, out found))
                {
                    return false;
                }
            }

            path.Pop();
            state[node] = true;
            order.Add(node);
            return true;
        }
    }
}
