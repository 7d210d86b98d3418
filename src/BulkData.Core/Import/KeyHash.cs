using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace BulkData.Import;

/// <summary>
/// A 128-bit hash of an <see cref="ImportKey"/> that is equal exactly when the keys are (as <see cref="ImportKey.Equals(ImportKey)"/>
/// compares them) and the same in every process: each value is written in a canonical form of its type, tagged with a
/// stable code of the type, so <c>1.0m</c> and <c>1.00m</c>, or two <see cref="DateTime"/>s of one instant and
/// different kinds, hash alike, and <c>1</c> and <c>1L</c> do not. A million keys then take 16 bytes each instead of an
/// object array and a boxed value each; two distinct keys share a hash with a probability of about 10^-27 at that
/// size. Keys holding a type without a canonical form are not hashed. The canonical bytes are gathered in one buffer
/// and hashed in one call: appending value by value to a streaming hash cost about four times as much.
/// </summary>
internal sealed class KeyHash
{
    // Enums are told apart by their type's name, hashed once per type.
    private static readonly ConcurrentDictionary<Type, long> EnumCodes = new();

    private byte[] buffer = new byte[256];
    private int length;

    /// <summary>Hashes the key, or returns false when one of its values has a type this does not know.</summary>
    public bool TryCompute(ImportKey key, out UInt128 value)
    {
        length = 0;
        foreach (var item in key.Values)
        {
            if (!TryAppend(item))
            {
                value = default;
                return false;
            }
        }

        value = XxHash128.HashToUInt128(buffer.AsSpan(0, length));
        return true;
    }

    private bool TryAppend(object? value)
    {
        // Each value starts with its type's code: boxed values of different types are never equal.
        switch (value)
        {
            case null:
                Append(0);
                return true;
            case string text:
                Append(1, text.Length);
                Append(MemoryMarshal.AsBytes(text.AsSpan()));
                return true;
            case byte[] bytes:
                Append(2, bytes.Length);
                Append(bytes);
                return true;
            case decimal number:
                AppendDecimal(number);
                return true;
            case double number:
                Append(4, number == 0 ? 0L : double.IsNaN(number) ? long.MinValue : BitConverter.DoubleToInt64Bits(number));
                return true;
            case float number:
                Append(5, number == 0 ? 0L : float.IsNaN(number) ? long.MinValue : BitConverter.SingleToInt32Bits(number));
                return true;
            case DateTime moment:
                Append(6, moment.Ticks);
                return true;
            case DateTimeOffset moment:
                Append(7, moment.UtcTicks);
                return true;
            case Guid id:
                Span<byte> bytes16 = stackalloc byte[16];
                id.TryWriteBytes(bytes16);
                Append(8);
                Append(bytes16);
                return true;
            case DateOnly day:
                Append(9, day.DayNumber);
                return true;
            case TimeOnly time:
                Append(10, time.Ticks);
                return true;
            case TimeSpan span:
                Append(11, span.Ticks);
                return true;
            case bool flag:
                Append(12, flag ? 1L : 0L);
                return true;
            case char character:
                Append(13, character);
                return true;
            case int number:
                Append(14, number);
                return true;
            case long number:
                Append(15, number);
                return true;
            case Enum:
                Append(EnumCodes.GetOrAdd(value.GetType(), t => (long)XxHash64.HashToUInt64(MemoryMarshal.AsBytes((t.FullName ?? t.Name).AsSpan()))), Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                return true;
            case byte or sbyte or short or ushort or uint or ulong:
                Append(16 + (long)Type.GetTypeCode(value.GetType()), value is ulong big ? unchecked((long)big) : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
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

        Append(3, (long)(ulong)(mantissa >> 64));
        Append((long)(ulong)mantissa);
        Append(mantissa == 0 ? 0L : (long)scale | (bits[3] < 0 ? 1L << 8 : 0L));
    }

    private void Append(long code, long number)
    {
        Append(code);
        Append(number);
    }

    private void Append(long number)
    {
        Reserve(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(length), number);
        length += sizeof(long);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    private void Reserve(int count)
    {
        if (length + count > buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + count));
        }
    }
}
