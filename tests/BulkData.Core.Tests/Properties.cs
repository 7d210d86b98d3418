using FsCheck;
using FsCheck.Fluent;

namespace BulkData.Core.Tests;

/// <summary>
/// Shared generators for the FsCheck.Xunit <c>[Property]</c> tests. Properties replay a fixed seed, so a
/// run is repeatable; FsCheck prints the failing case and the seed to replay it.
/// </summary>
internal static class Properties
{
    /// <summary>The seed every property replays; change it (or remove it locally) to explore other cases.</summary>
    public const string Replay = "(20261122,2027)";

    /// <summary>Strings of any Unicode text that UTF-8 can carry (no lone surrogates), quotes, delimiters and line breaks included.</summary>
    public static Gen<string> Text() =>
        Gen.OneOf(
                ArbMap.Default.GeneratorFor<string>().Where(s => s is not null),
                Gen.Elements("a,b", "say \"hi\"", "line1\nline2", "crlf\r\nnext", ";|\t", " padded ", "ünïcødé ✓ 日本語 😀", "=1+2", "'quoted'"))
            .Select(s => s!)
            .Where(IsValidUtf16);

    /// <summary>Longs spread evenly over [min, max] (FsCheck's Choose stops at int).</summary>
    public static Gen<long> Long(long min, long max) =>
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(0, int.MaxValue)
        select min + (long)((((ulong)high << 31) | (uint)low) % (ulong)(max - min + 1));

    private static bool IsValidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
