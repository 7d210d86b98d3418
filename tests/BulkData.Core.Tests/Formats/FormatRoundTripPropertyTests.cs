using BulkData.Core.Tests.Import;
using BulkData.Sinks;
using BulkData.Sources;
using FsCheck;
using FsCheck.Fluent;

namespace BulkData.Core.Tests.Formats;

/// <summary>
/// Arbitrary POCOs exported by BulkData and imported back are equal, in each format. What is stated:
/// an empty string in a nullable string member comes back null (CSV and XLSX have no null cell distinct
/// from an empty one; JSON keeps them apart but BulkData reads them alike); XLSX keeps dates and times to
/// the millisecond, as Excel does (its day serials cannot hold ticks); CSV round trips are written with
/// formula neutralising off, since it changes text on purpose.
/// </summary>
public sealed class FormatRoundTripPropertyTests
{
    [Fact]
    public void Csv_ExportThenImport_GivesEqualObjects() =>
        RoundTrip(CsvRoundTripPropertyTests.Items, stream => CsvSink.ToStream(stream, new CsvSinkOptions { NeutralizeFormulas = false }), stream => CsvSource.FromStream(stream));

    [Fact]
    public void Json_ExportThenImport_GivesEqualObjects() =>
        RoundTrip(CsvRoundTripPropertyTests.Items, stream => JsonSink.ToStream(stream), stream => JsonSource.FromStream(stream));

    [Fact]
    public void Ndjson_ExportThenImport_GivesEqualObjects() =>
        RoundTrip(CsvRoundTripPropertyTests.Items, stream => JsonSink.ToStream(stream, new JsonSinkOptions { Ndjson = true }), stream => JsonSource.FromStream(stream));

    [Fact]
    public void Xlsx_ExportThenImport_GivesEqualObjects() =>
        RoundTrip(CsvRoundTripPropertyTests.Items.Select(ToExcelPrecision), stream => XlsxSink.ToStream(stream), stream => XlsxSource.FromStream(stream));

    [Fact]
    public void XlsxWithSharedStrings_ExportThenImport_GivesEqualObjects() =>
        RoundTrip(CsvRoundTripPropertyTests.Items.Select(ToExcelPrecision), stream => XlsxSink.ToStream(stream, new XlsxSinkOptions { SharedStrings = true, NeutralizeFormulas = false }), stream => XlsxSource.FromStream(stream), maxTests: 40);

    private static AllTypes ToExcelPrecision(AllTypes item)
    {
        item.DateTime = new DateTime(item.DateTime.Ticks - (item.DateTime.Ticks % TimeSpan.TicksPerMillisecond), item.DateTime.Kind);
        item.TimeOnly = new TimeOnly(item.TimeOnly.Ticks - (item.TimeOnly.Ticks % TimeSpan.TicksPerMillisecond));
        return item;
    }

    private static void RoundTrip(Gen<AllTypes> items, Func<Stream, IExportSink> sink, Func<Stream, IImportSource> source, int maxTests = 80)
    {
        using var host = new TestHost();
        Prop.ForAll(items.ListOf().Where(l => l.Count > 0).ToArbitrary(), expected =>
        {
            using var file = new MemoryStream();
            var exported = host.Exporter.For<AllTypes>().From(expected).ToAsync(sink(file)).GetAwaiter().GetResult();
            Assert.True(exported.Succeeded, exported.Job.FailureReason);
            var imported = new List<AllTypes>();
            var result = host.Importer.For<AllTypes>().From(source(file)).IntoAsync(imported).GetAwaiter().GetResult();
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            Assert.Equal(expected.Count, imported.Count);
            for (var i = 0; i < expected.Count; i++)
            {
                foreach (var property in typeof(AllTypes).GetProperties())
                {
                    Assert.True(
                        Equals(property.GetValue(expected[i]), property.GetValue(imported[i])),
                        $"row {i + 1}, {property.Name}: wrote '{property.GetValue(expected[i])}', read '{property.GetValue(imported[i])}'");
                }
            }
        }).Check(Properties.Config(maxTests));
    }
}
