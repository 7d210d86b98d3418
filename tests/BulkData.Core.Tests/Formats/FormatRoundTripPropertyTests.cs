using System.Collections.Concurrent;
using System.Globalization;
using BulkData.Core.Tests.Import;
using BulkData.Sinks;
using BulkData.Sources;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Issue 9's round trip: for every supported member type, random values (extreme dates, sub-millisecond
/// times, negative zero, long and non-ASCII text, nulls) exported to CSV, XLSX and JSON under a random
/// culture and imported back give the same objects. Stated exceptions: XLSX keeps dates and times to the
/// millisecond (Excel's day serials cannot hold ticks); an empty nullable string comes back null (CSV and
/// XLSX have no null cell distinct from an empty one; JSON keeps them apart but BulkData reads them alike);
/// formula neutralising is off, since it changes text on purpose. The
/// cultures use the Gregorian calendar; those whose default calendar is another (ar-SA, th-TH) cannot
/// write dates outside that calendar's range and are left out.
/// </summary>
public sealed class FormatRoundTripPropertyTests
{
    private const int Cases = 200;

    private static readonly string[] Cultures = ["", "en-US", "en-GB", "de-DE", "fr-FR", "sv-SE", "tr-TR", "hi-IN", "ja-JP", "es-ES", "de-CH"];

    private static readonly ConcurrentDictionary<string, TestHost> Hosts = new();

    private static readonly Gen<AllTypes> Extremes =
        from item in CsvRoundTripPropertyTests.Items
        from negativeZero in ArbMap.Default.GeneratorFor<bool>()
        from longText in Gen.Elements<string?>(null, string.Concat(Enumerable.Repeat("Grüße, 世界 \"quoted\"\n😀 ", 400)))
        from subMillisecond in Properties.Long(1, TimeSpan.TicksPerMillisecond - 1)
        from extreme in Gen.Elements<DateTime?>(null, null, DateTime.MinValue, DateTime.MaxValue, new DateTime(1899, 12, 31, 23, 59, 59), new DateTime(1900, 2, 28), new DateTime(1900, 3, 1), new DateTime(9999, 12, 31))
        select With(item, negativeZero, longText, subMillisecond, extreme);

    private static readonly Arbitrary<(string Culture, AllTypes[] Items)> Cases_ =
        (from culture in Gen.Elements(Cultures)
         from items in Extremes.ArrayOf().Where(a => a.Length > 0)
         select (culture, items)).ToArbitrary();

    [Property(MaxTest = Cases, Replay = Properties.Replay)]
    public Property Csv_ExportThenImportUnderACulture_GivesEqualObjects() =>
        RoundTrip(stream => CsvSink.ToStream(stream, new CsvSinkOptions { NeutralizeFormulas = false }), stream => CsvSource.FromStream(stream), excelPrecision: false);

    [Property(MaxTest = Cases, Replay = Properties.Replay)]
    public Property Xlsx_ExportThenImportUnderACulture_GivesEqualObjects() =>
        RoundTrip(stream => XlsxSink.ToStream(stream, new XlsxSinkOptions { NeutralizeFormulas = false }), stream => XlsxSource.FromStream(stream), excelPrecision: true);

    [Property(MaxTest = Cases, Replay = Properties.Replay)]
    public Property Json_ExportThenImportUnderACulture_GivesEqualObjects() =>
        RoundTrip(stream => JsonSink.ToStream(stream), stream => JsonSource.FromStream(stream), excelPrecision: false);

    [Property(MaxTest = Cases / 2, Replay = Properties.Replay)]
    public Property Ndjson_ExportThenImportUnderACulture_GivesEqualObjects() =>
        RoundTrip(stream => JsonSink.ToStream(stream, new JsonSinkOptions { Ndjson = true }), stream => JsonSource.FromStream(stream), excelPrecision: false);

    [Property(MaxTest = Cases / 2, Replay = Properties.Replay)]
    public Property XlsxWithSharedStrings_ExportThenImportUnderACulture_GivesEqualObjects() =>
        RoundTrip(stream => XlsxSink.ToStream(stream, new XlsxSinkOptions { SharedStrings = true, NeutralizeFormulas = false }), stream => XlsxSource.FromStream(stream), excelPrecision: true);

    private static Property RoundTrip(Func<Stream, IExportSink> sink, Func<Stream, IImportSource> source, bool excelPrecision) =>
        Prop.ForAll(Cases_, @case =>
        {
            var (culture, generated) = @case;
            var expected = excelPrecision ? generated.Select(ToExcelPrecision).ToArray() : generated;
            var host = Hosts.GetOrAdd(culture, name => new TestHost(b => b.AddResource<AllTypes>(r => r.Culture(CultureInfo.GetCultureInfo(name)))));
            using var file = new MemoryStream();
            var exported = host.Exporter.For<AllTypes>().From(expected).ToAsync(sink(file)).GetAwaiter().GetResult();
            Assert.True(exported.Succeeded, exported.Job.FailureReason);
            var imported = new List<AllTypes>();
            var result = host.Importer.For<AllTypes>().From(source(file)).IntoAsync(imported).GetAwaiter().GetResult();
            Assert.True(result.Succeeded, $"culture '{culture}': {string.Join("\n", result.Errors)}");
            Assert.Equal(expected.Length, imported.Count);
            for (var i = 0; i < expected.Length; i++)
            {
                foreach (var property in typeof(AllTypes).GetProperties())
                {
                    Assert.True(
                        Equals(property.GetValue(expected[i]), property.GetValue(imported[i])),
                        $"culture '{culture}', row {i + 1}, {property.Name}: wrote '{property.GetValue(expected[i])}', read '{property.GetValue(imported[i])}'");
                }

                Assert.Equal(expected[i].DateTimeOffset.Offset, imported[i].DateTimeOffset.Offset);
                Assert.Equal(double.IsNegative(expected[i].Double), double.IsNegative(imported[i].Double));
            }
        });

    private static AllTypes With(AllTypes item, bool negativeZero, string? longText, long subMillisecond, DateTime? extreme)
    {
        if (extreme is { } date)
        {
            item.DateTime = date;
            item.DateOnly = DateOnly.FromDateTime(date);
            item.TimeOnly = TimeOnly.FromDateTime(date);
            item.DateTimeOffset = new DateTimeOffset(date, TimeSpan.Zero);
        }

        if (negativeZero)
        {
            item.Double = -0.0;
            item.Float = -0.0f;
        }

        item.Text = longText ?? item.Text;
        if (item.DateTime.Ticks + subMillisecond < DateTime.MaxValue.Ticks)
        {
            item.DateTime = item.DateTime.AddTicks(subMillisecond);
        }

        return item;
    }

    private static AllTypes ToExcelPrecision(AllTypes item)
    {
        item.DateTime = new DateTime(item.DateTime.Ticks - (item.DateTime.Ticks % TimeSpan.TicksPerMillisecond), item.DateTime.Kind);
        item.TimeOnly = new TimeOnly(item.TimeOnly.Ticks - (item.TimeOnly.Ticks % TimeSpan.TicksPerMillisecond));
        return item;
    }
}
