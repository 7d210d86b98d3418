using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using BulkData.Jobs;

namespace BulkData.Core.Tests.Jobs;

/// <summary>Issue 11: every job is a span with a span per batch, and the meter counts rows and times batches and jobs.</summary>
public sealed class TelemetryTests
{
    /// <summary>A resource of this test alone, so that other tests' telemetry (they run in parallel) is told apart.</summary>
    public sealed class Traced
    {
        public int Number { get; set; }
    }

    [Fact]
    public async Task Import_EmitsAJobSpanWithBatchSpans_AndRowAndDurationMetrics()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BulkDataDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == BulkDataDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags, measurements));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags, measurements));
        meters.Start();
        using var host = new TestHost(b => b.AddResource<Traced>());

        var result = await host.Importer.For<Traced>()
            .From(CsvSource.FromText("Number\n" + string.Join('\n', Enumerable.Range(1, 25)) + "\nx\n"))
            .WithOptions(o => { o.CommitMode = CommitMode.Partial; o.BatchSize = 10; })
            .IntoAsync(new List<Traced>());

        var job = Assert.Single(spans, s => s.OperationName == "bulkdata.import" && (Guid?)s.GetTagItem("bulkdata.job.id") == result.JobId);
        Assert.Equal(("Traced", "CompletedWithErrors"), ((string)job.GetTagItem("bulkdata.resource")!, (string)job.GetTagItem("bulkdata.status")!));
        var batches = spans.Where(s => s.OperationName == "bulkdata.batch" && s.ParentSpanId == job.SpanId).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal(25, measurements.Where(m => m.Instrument == "bulkdata.rows.written").Sum(m => m.Value));
        Assert.Equal(26, measurements.Where(m => m.Instrument == "bulkdata.rows.read").Sum(m => m.Value));
        Assert.Equal(1, measurements.Where(m => m.Instrument == "bulkdata.rows.failed").Sum(m => m.Value));
        Assert.Equal(3, measurements.Count(m => m.Instrument == "bulkdata.batch.duration"));
        Assert.Single(measurements, m => m.Instrument == "bulkdata.job.duration");
    }

    private static void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, ConcurrentQueue<(string, double)> measurements)
        where T : struct, IConvertible
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: "bulkdata.resource", Value: "Traced" })
            {
                measurements.Enqueue((instrument.Name, value.ToDouble(System.Globalization.CultureInfo.InvariantCulture)));
                return;
            }
        }
    }
}
