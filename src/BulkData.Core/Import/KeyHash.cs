using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BulkData.Import;

/// <summary>
/// A 128-bit hash of an <see cref="ImportKey"/> that is equal exactly when the keys are (as <see cref="ImportKey.Equals(ImportKey)"/>
/// compares them): each value is hashed in a canonical form of its type, so <c>1.0m</c> and <c>1.00m</c>, or two
/// <see cref="DateTime"/>s of one instant and different kinds, hash alike, and <c>1</c> and <c>1L</c> do not. A
/// million keys then take 16 bytes each instead of an object array and a boxed value each; two distinct keys share a
/// hash with a probability of about 10^-27 at that size. Keys holding a type without a canonical form are not hashed.
/// </summary>
internal sealed class KeyHash
{
    private readonly XxHash128 hash = new();

    /// <summary>Hashes the key, or returns false when one of its values has a type this does not know.</summary>
    public bool TryCompute(ImportKey key, out UInt128 value)
    {
        hash.Reset();
        foreach (var item in key.Values)
        {
            if (!TryAppend(item))
            {
                value = default;
                return false;
            }
        }

        value = hash.GetCurrentHashAsUInt128();
        return true;
    }

    private bool TryAppend(object? value)
    {
        if (value is null)
        {
            Append(0L);
            return true;
        }

        // The type first: boxed values of different types are never equal.
        Append((long)value.GetType().TypeHandle.Value);
        switch (value)
        {
            case string text:
                Append((long)text.Length);
                hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
                return true;
            case byte[] bytes:
                Append((long)bytes.Length);
                hash.Append(bytes);
                return true;
            case decimal number:
                AppendDecimal(number);
                return true;
            case double number:
                Append(number == 0 ? 0L : double.IsNaN(number) ? long.MinValue : BitConverter.DoubleToInt64Bits(number));
                return true;
            case float number:
                Append(number == 0 ? 0L : float.IsNaN(number) ? long.MinValue : BitConverter.SingleToInt32Bits(number));
                return true;
            case DateTime moment:
                Append(moment.Ticks);
                return true;
            case DateTimeOffset moment:
                Append(moment.UtcTicks);
                return true;
            case Guid id:
                Span<byte> bytes16 = stackalloc byte[16];
                id.TryWriteBytes(bytes16);
                hash.Append(bytes16);
                return true;
            case DateOnly day:
                Append(day.DayNumber);
                return true;
            case TimeOnly time:
                Append(time.Ticks);
                return true;
            case TimeSpan span:
                Append(span.Ticks);
                return true;
            case bool flag:
                Append(flag ? 1L : 0L);
                return true;
            case char character:
                Append(character);
                return true;
            case Enum or byte or sbyte or short or ushort or int or uint or long or ulong:
                Append(Convert.ToInt64(value is ulong big ? unchecked((long)big) : value, System.Globalization.CultureInfo.InvariantCulture));
                return true;
            default:
                return false;
        }
    }

    /// <summary>A decimal without trailing zeros (1.50 as 1.5, -0 as 0), so equal values hash alike.</summary>
    private void AppendDecimal(decimal number)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(number, bits);
        var scale = (bits[3] >> 16) & 0xFF;
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        Append((long)(ulong)(mantissa >> 64));
        Append((long)(ulong)mantissa);
        Append(mantissa == 0 ? 0L : (long)scale | (bits[3] < 0 ? 1L << 8 : 0L));
    }

    private void Append(long number)
    {
        Span<byte> bytes = stackalloc byte[sizeof(long)];
        BitConverter.TryWriteBytes(bytes, number);
        hash.Append(bytes);
    }
}
