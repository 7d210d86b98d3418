using System.Globalization;
using CsvHelper;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Import;

/// <summary>
/// Values written by CsvHelper (an independent writer) come back equal through BulkData's CSV import.
/// Null and empty strings: a nullable string member reads an empty cell as null, a non-nullable one as "".
/// </summary>
public sealed class CsvRoundTripPropertyTests : IDisposable
{
    private readonly TestHost host = new();

    internal static readonly Gen<AllTypes> Items =
        from text in Gen.OneOf(Gen.Constant<string?>(null), Properties.Text().Where(s => s.Length > 0).Select(s => (string?)s))
        from label in Properties.Text()
        from i in ArbMap.Default.GeneratorFor<int>()
        from l in Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 1234567890123L)
        from s in ArbMap.Default.GeneratorFor<short>()
        from b in Gen.Elements(byte.MinValue, byte.MaxValue, (byte)7)
        from sb in Gen.Elements(sbyte.MinValue, sbyte.MaxValue, (sbyte)-3)
        from us in Gen.Elements(ushort.MinValue, ushort.MaxValue)
        from ui in Gen.Elements(uint.MinValue, uint.MaxValue)
        from ul in Gen.Elements(ulong.MinValue, ulong.MaxValue, 42UL)
        from f in Gen.OneOf(ArbMap.Default.GeneratorFor<float>(), Gen.Elements(float.MinValue, float.MaxValue, float.Epsilon, float.NaN, float.PositiveInfinity))
        from d in Gen.OneOf(ArbMap.Default.GeneratorFor<double>(), Gen.Elements(double.MinValue, double.MaxValue, double.Epsilon, double.NegativeInfinity))
        from m in Gen.OneOf(ArbMap.Default.GeneratorFor<decimal>(), Gen.Elements(decimal.MinValue, decimal.MaxValue, 0.0000000001m))
        from flag in ArbMap.Default.GeneratorFor<bool>()
        from guid in ArbMap.Default.GeneratorFor<Guid>()
        from ticks in Properties.Long(DateTime.MinValue.Ticks, DateTime.MaxValue.Ticks)
        from kind in Gen.Elements(DateTimeKind.Unspecified, DateTimeKind.Utc)
        from offsetMinutes in Gen.Choose(-14 * 60, 14 * 60)
        from days in Gen.Choose(DateOnly.MinValue.DayNumber, DateOnly.MaxValue.DayNumber)
        from timeTicks in Properties.Long(0, TimeSpan.TicksPerDay - 1)
        from spanTicks in Properties.Long(-TimeSpan.TicksPerDay * 100_000, TimeSpan.TicksPerDay * 100_000)
        from color in Gen.Elements(Enum.GetValues<Color>())
        from ni in Gen.OneOf(Gen.Constant<int?>(null), ArbMap.Default.GeneratorFor<int>().Select(x => (int?)x))
        from nm in Gen.OneOf(Gen.Constant<decimal?>(null), ArbMap.Default.GeneratorFor<decimal>().Select(x => (decimal?)x))
        from nd in Gen.OneOf(Gen.Constant<DateOnly?>(null), Gen.Choose(1, 3_000_000).Select(x => (DateOnly?)DateOnly.FromDayNumber(x)))
        from nc in Gen.OneOf(Gen.Constant<Color?>(null), Gen.Elements(Enum.GetValues<Color>()).Select(x => (Color?)x))
        from nb in Gen.Elements<bool?>(null, true, false)
        select new AllTypes
        {
            Text = text,
            Label = label,
            Int = i,
            Long = l,
            Short = s,
            Byte = b,
            SByte = sb,
            UShort = us,
            UInt = ui,
            ULong = ul,
            Float = f,
            Double = d,
            Decimal = m,
            Bool = flag,
            Guid = guid,
            DateTime = new DateTime(ticks, kind),
            DateTimeOffset = new DateTimeOffset(new DateTime(ticks, DateTimeKind.Unspecified).AddTicks(ticks < DateTime.MaxValue.Ticks / 2 ? TimeSpan.TicksPerDay : -TimeSpan.TicksPerDay), TimeSpan.FromMinutes(offsetMinutes)),
            DateOnly = DateOnly.FromDayNumber(days),
            TimeOnly = new TimeOnly(timeTicks),
            TimeSpan = new TimeSpan(spanTicks),
            Color = color,
            NullableInt = ni,
            NullableDecimal = nm,
            NullableDate = nd,
            NullableColor = nc,
            NullableBool = nb,
        };

    [Property(MaxTest = 150, Replay = Properties.Replay)]
    public Property CsvWrittenByCsvHelper_ImportsEqualObjects()
    {
        var importer = host.Importer;
        return Prop.ForAll(Items.ListOf().Where(l => l.Count > 0).ToArbitrary(), items =>
        {
            var csv = WriteWithCsvHelper(items);
            var imported = new List<AllTypes>();
            var result = importer.For<AllTypes>().From(CsvSource.FromText(csv)).IntoAsync(imported).GetAwaiter().GetResult();
            Assert.True(result.Succeeded, $"{string.Join("\n", result.Errors)}\nin:\n{csv}");
            Assert.Equal(items.Count, imported.Count);
            for (var i = 0; i < items.Count; i++)
            {
                AssertEqual(items[i], imported[i]);
            }
        });
    }

    public void Dispose() => host.Dispose();

    private static string WriteWithCsvHelper(IEnumerable<AllTypes> items)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        var properties = typeof(AllTypes).GetProperties();
        using (var csv = CsvWriter.Create(text, new CsvWriterOptions(), leaveOpen: true))
        {
            csv.WriteHeader(properties.Select(p => p.Name).ToArray());
            foreach (var item in items)
            {
                csv.WriteRecord(properties.Select(p => Format(p.GetValue(item))).ToArray());
            }
        }

        return text.ToString();
    }

    /// <summary>Full-precision, culture-free formats: BulkData reads ISO 8601 and round-trip notation without configuration.</summary>
    private static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateTime v => v.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset v => v.ToString("O", CultureInfo.InvariantCulture),
        TimeOnly v => v.ToString("O", CultureInfo.InvariantCulture),
        DateOnly v => v.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeSpan v => v.ToString("c", CultureInfo.InvariantCulture),
        float v => v.ToString("R", CultureInfo.InvariantCulture),
        double v => v.ToString("R", CultureInfo.InvariantCulture),
        IFormattable v => v.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static void AssertEqual(AllTypes expected, AllTypes actual)
    {
        foreach (var property in typeof(AllTypes).GetProperties())
        {
            Assert.True(Equals(property.GetValue(expected), property.GetValue(actual)), $"{property.Name}: wrote '{property.GetValue(expected)}', read '{property.GetValue(actual)}'");
        }

        Assert.Equal(expected.DateTimeOffset.Offset, actual.DateTimeOffset.Offset);
    }
}
