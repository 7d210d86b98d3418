using BulkData.Import;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Import;

/// <summary>Issue 22: a file's keys are remembered as 128-bit hashes, equal exactly when the typed keys are.</summary>
public sealed class KeyHashTests
{
    private static readonly Arbitrary<(object?[] Left, object?[] Right)> Pairs =
        (from left in Values()
         from right in Gen.OneOf(Gen.Constant(left).Select(Respell), Values())
         select (left, right)).ToArbitrary();

    [Property(MaxTest = 500, Replay = Properties.Replay)]
    public Property Hashes_AreEqualExactlyWhenTheKeysAre() => Prop.ForAll(Pairs, pair =>
    {
        var hash = new KeyHash();
        Assert.True(hash.TryCompute(new ImportKey(pair.Left), out var left));
        Assert.True(hash.TryCompute(new ImportKey(pair.Right), out var right));
        Assert.Equal(new ImportKey(pair.Left).Equals(new ImportKey(pair.Right)), left == right);
    });

    [Fact]
    public void Hashes_TellTypesApartAndSpellingsNot()
    {
        var hash = new KeyHash();
        UInt128 Of(params object?[] values) => hash.TryCompute(new ImportKey(values), out var value) ? value : throw new InvalidOperationException();

        Assert.Equal(Of(1.50m), Of(1.5m));
        Assert.Equal(Of(0m), Of(-0.00m));
        Assert.Equal(Of(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)), Of(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Unspecified)));
        Assert.NotEqual(Of(1), Of(1L));
        Assert.NotEqual(Of("a", "bc"), Of("ab", "c"));
        Assert.NotEqual(Of(new DateTime(2024, 1, 1).AddMilliseconds(1)), Of(new DateTime(2024, 1, 1)));
        Assert.False(hash.TryCompute(new ImportKey(new Uri("https://example.org/")), out _));
    }

    /// <summary>
    /// A change record stores the hash of what an import wrote, and a rollback in another process compares it: the hash of
    /// the same values is a constant, not something of the process (a type handle, a randomized string hash).
    /// </summary>
    [Fact]
    public void StableHash_IsTheSameInEveryProcess()
    {
        var key = new ImportKey("Ünïcode", 42, 42L, 1.50m, 0.25, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"), DayOfWeek.Friday, null, true, new DateOnly(2024, 2, 29));

        Assert.True(key.TryGetStableHash(out var hash));
        Assert.Equal(StableHashOfKey, hash.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));
    }

    private const string StableHashOfKey = "6233ef01012ea74639e28bda0b8ea63b";

    /// <summary>The same values in another spelling that compares equal: a decimal with trailing zeros, a date of another kind.</summary>
    private static object?[] Respell(object?[] values) => Array.ConvertAll(values, value => value switch
    {
        decimal number => (object)(number * 1.000m),
        DateTime moment => DateTime.SpecifyKind(moment, moment.Kind == DateTimeKind.Utc ? DateTimeKind.Local : DateTimeKind.Utc),
        _ => value,
    });

    private static Gen<object?[]> Values() =>
        Gen.OneOf(
                Gen.Choose(-3, 3).Select(i => (object?)i),
                Gen.Choose(-3, 3).Select(i => (object?)(long)i),
                Gen.Choose(-300, 300).Select(i => (object?)(i / 100m)),
                Gen.Elements<object?>("A", "a", "", "ab", null),
                Gen.Choose(0, 3).Select(i => (object?)new DateTime(2024, 1, 1).AddMilliseconds(i)),
                Gen.Choose(0, 2).Select(i => (object?)new Guid(i, 0, 0, new byte[8])),
                Gen.Choose(-2, 2).Select(i => (object?)(i / 2.0)))
            .ArrayOf()
            .Where(a => a.Length is > 0 and < 4);
}
