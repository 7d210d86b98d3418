using BulkData.Import;

namespace BulkData.Mapping;

/// <summary>
/// A lookup column's reference: the referenced type and its natural key member, and the values one run has resolved
/// so far (found or not), so each is asked for once; every run starts from a <see cref="Fresh"/> copy, so what a run
/// remembers is never another's (nor stale in the next). Once <see cref="MaxRemembered"/> values are remembered, the
/// memory starts again before the next batch, so a file with millions of distinct parents stays in bounded memory.
/// </summary>
internal abstract class ReferenceLookup
{
    /// <summary>The values remembered at most.</summary>
    public const int MaxRemembered = 100_000;

    /// <summary>The referenced type's name, for messages.</summary>
    public abstract string Referenced { get; }

    /// <summary>The natural key member's name.</summary>
    public abstract string Member { get; }

    /// <summary>The same lookup remembering nothing yet, for a run.</summary>
    public abstract ReferenceLookup Fresh();

    /// <summary>Resolves the texts not resolved yet, in one call of the resolver (texts that are not values of the natural key's type are left unresolved).</summary>
    public abstract ValueTask ResolveAsync(IReferenceResolver resolver, IEnumerable<string> texts, ValueFormat format, CancellationToken cancellationToken);

    /// <summary>The referenced record's key for a text resolved before (null for one a preview's import would create); false when no record has it.</summary>
    public abstract bool TryFind(ReadOnlySpan<char> text, ValueFormat format, out object? key);

    /// <summary>Finds the natural keys of the records with the keys not named yet, in one call of the resolver (for an export).</summary>
    public abstract ValueTask NameAsync<TKey>(IReferenceResolver resolver, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken);

    /// <summary>The natural key of the record with a key named before, as cell text; null when no record has the key.</summary>
    public abstract string? NameOf(object key, ValueFormat format);
}

/// <summary>The lookup of <typeparamref name="TReferenced"/> records by a <typeparamref name="TNatural"/> member.</summary>
internal sealed class ReferenceLookup<TReferenced, TNatural>(string member, bool orCreate) : ReferenceLookup
    where TReferenced : class
    where TNatural : notnull
{
    private readonly ValueConverter<TNatural> natural = BuiltInConverters.For(Nullable.GetUnderlyingType(typeof(TNatural)) ?? typeof(TNatural)) as ValueConverter<TNatural>
        ?? throw new BulkDataConfigurationException($"{typeof(TReferenced).Name}.{member}", $"{typeof(TReferenced).Name}.{member} has type {typeof(TNatural).Name}, which a lookup cannot read from a file. Look up by a text, number, date or identifier member.");

    // Each value asked for: the record's key, or null when no record has it.
    private readonly Dictionary<TNatural, object?> remembered = [];

    // Each key an export asked to name: the record's natural key, when it has one.
    private readonly Dictionary<object, TNatural?> names = [];

    public override string Referenced => typeof(TReferenced).Name;

    public override ReferenceLookup Fresh() => new ReferenceLookup<TReferenced, TNatural>(member, orCreate);

    public override string Member => member;

    public override async ValueTask ResolveAsync(IReferenceResolver resolver, IEnumerable<string> texts, ValueFormat format, CancellationToken cancellationToken)
    {
        // Forgotten before the batch's values are looked at, so none of them is forgotten while its rows are read.
        if (remembered.Count >= MaxRemembered)
        {
            remembered.Clear();
        }

        var wanted = new HashSet<TNatural>();
        foreach (var text in texts)
        {
            if (natural.TryParse(text.AsSpan().Trim(), format, out var value) && !remembered.ContainsKey(value))
            {
                wanted.Add(value);
            }
        }

        if (wanted.Count == 0)
        {
            return;
        }

        var found = await resolver.ResolveAsync<TReferenced, TNatural>(member, wanted, cancellationToken).ConfigureAwait(false);
        // Text spelt in several cases is one record, as it is found: created once, in its first spelling.
        var missing = wanted.Where(v => !found.ContainsKey(v)).GroupBy(Folded).ToDictionary(g => g.Key, g => g.First());
        var created = orCreate && missing.Count > 0 && resolver.Creates
            ? await resolver.CreateAsync<TReferenced, TNatural>(member, missing.Values, cancellationToken).ConfigureAwait(false)
            : null;
        foreach (var value in wanted)
        {
            // A value a preview's resolver cannot create yet counts as found: the import will create it.
            remembered[value] = found.GetValueOrDefault(value) ?? created?.GetValueOrDefault(missing[Folded(value)]) ?? (orCreate && created is null ? ToBeCreated : null);
        }
    }

    private static object Folded(TNatural value) => value is string text ? text.ToLowerInvariant() : value;

    // What a value that the import would create resolves to in a preview: found, its key left at the member's default.
    private static readonly object ToBeCreated = new();

    public override bool TryFind(ReadOnlySpan<char> text, ValueFormat format, out object? key)
    {
        key = null;
        if (!natural.TryParse(text.Trim(), format, out var value) || !remembered.TryGetValue(value, out key) || key is null)
        {
            return false;
        }

        key = ReferenceEquals(key, ToBeCreated) ? null : key;
        return true;
    }

    public override async ValueTask NameAsync<TKey>(IReferenceResolver resolver, IReadOnlyCollection<TKey> keys, CancellationToken cancellationToken)
    {
        if (names.Count >= MaxRemembered)
        {
            names.Clear();
        }

        List<TKey> wanted = [.. keys.Where(k => k is not null && !names.ContainsKey(k))];
        if (wanted.Count == 0)
        {
            return;
        }

        var found = await resolver.NaturalKeysAsync<TReferenced, TKey, TNatural>(member, wanted, cancellationToken).ConfigureAwait(false);
        foreach (var key in wanted)
        {
            names[key!] = found.TryGetValue(key!, out var name) ? name : default;
        }
    }

    public override string? NameOf(object key, ValueFormat format) =>
        names.GetValueOrDefault(key) is { } name ? natural.Format(name, format) : null;
}
