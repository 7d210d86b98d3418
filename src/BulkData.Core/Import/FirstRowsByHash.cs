namespace BulkData.Import;

/// <summary>
/// The first row of each distinct key, by the key's 128-bit hash (<see cref="KeyHash"/>): what duplicate detection
/// remembers per key. A <c>Dictionary&lt;UInt128, long&gt;</c> takes 48 bytes an entry (<see cref="UInt128"/> is
/// 16-byte aligned) and, as it doubles, holds its old and new arrays at once: a million keys peaked at about 100 MB
/// (a gcdump of the database benchmark). Here the hash is two <see cref="ulong"/>s (32-byte entries) and the table is
/// split in 256 dictionaries by the hash's top byte, each growing on its own, so a resize copies a 256th of it.
/// </summary>
internal sealed class FirstRowsByHash
{
    private readonly Dictionary<Hash, long>?[] segments = new Dictionary<Hash, long>?[256];

    /// <summary>Remembers <paramref name="row"/> as the first of <paramref name="hash"/>; false, with the row remembered, when the hash came before.</summary>
    public bool TryAdd(UInt128 hash, long row, out long firstRow)
    {
        var (upper, lower) = ((ulong)(hash >> 64), (ulong)hash);
        var segment = segments[upper >> 56] ??= [];
        if (segment.TryAdd(new Hash(upper, lower), row))
        {
            firstRow = row;
            return true;
        }

        firstRow = segment[new Hash(upper, lower)];
        return false;
    }

    /// <summary>A 128-bit hash as two words, 8-byte aligned; its lower word is already well mixed, so it is its own hash code.</summary>
    private readonly record struct Hash(ulong Upper, ulong Lower)
    {
        public override int GetHashCode() => (int)Lower ^ (int)(Lower >> 32);
    }
}
