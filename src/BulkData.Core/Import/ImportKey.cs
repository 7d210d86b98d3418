using System.Globalization;

namespace BulkData.Import;

/// <summary>
/// A record's import key as typed values, compared value by value: two <see cref="DateTime"/> keys a
/// millisecond apart are two keys, <c>1.0m</c> and <c>1.00m</c> are one. The one key representation used for
/// repeats within a file, for matching rows to existing records and in messages.
/// </summary>
public readonly struct ImportKey : IEquatable<ImportKey>
{
    private readonly object?[] values;

    /// <summary>Creates a key.</summary>
    /// <param name="values">The key members' values, in key order.</param>
    public ImportKey(params object?[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        this.values = values;
    }

    /// <summary>The key members' values, in key order.</summary>
    public IReadOnlyList<object?> Values => values ?? [];

    /// <inheritdoc/>
    public bool Equals(ImportKey other)
    {
        var left = values ?? [];
        var right = other.values ?? [];
        if (left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            var same = left[i] is byte[] bytes && right[i] is byte[] otherBytes ? bytes.AsSpan().SequenceEqual(otherBytes) : Equals(left[i], right[i]);
            if (!same)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ImportKey other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var value in values ?? [])
        {
            if (value is byte[] bytes)
            {
                hash.AddBytes(bytes);
            }
            else
            {
                hash.Add(value);
            }
        }

        return hash.ToHashCode();
    }

    [ThreadStatic]
    private static KeyHash? stableHash;

    /// <summary>
    /// A 128-bit hash of the values that is equal exactly when keys are equal (as <see cref="Equals(ImportKey)"/> compares
    /// them) and the same in every process, so it can be stored: <c>1.0m</c> and <c>1.00m</c> hash alike, <c>1</c> and
    /// <c>1L</c> do not. Values of a type without a canonical form (anything but text, bytes, numbers, enums, flags,
    /// characters, GUIDs, dates, times and durations) have no such hash.
    /// </summary>
    /// <param name="hash">The hash, when there is one.</param>
    /// <returns>False when a value's type has no canonical form.</returns>
    public bool TryGetStableHash(out UInt128 hash) => (stableHash ??= new KeyHash()).TryCompute(this, out hash);

    /// <summary>The key as a person reads it: values in invariant notation (dates to the tick), joined with '/'.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Join('/', (values ?? []).Select(v => v switch
    {
        null => string.Empty,
        DateTime or DateTimeOffset => ((IFormattable)v).ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString(),
    }));

    /// <summary>True when both keys hold equal values.</summary>
    /// <param name="left">One key.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they are equal.</returns>
    public static bool operator ==(ImportKey left, ImportKey right) => left.Equals(right);

    /// <summary>True when the keys differ.</summary>
    /// <param name="left">One key.</param>
    /// <param name="right">The other.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(ImportKey left, ImportKey right) => !left.Equals(right);
}
