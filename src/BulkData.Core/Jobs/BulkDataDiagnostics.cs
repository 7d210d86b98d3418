using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace BulkData.Jobs;

/// <summary>
/// The names to wire BulkData's traces and metrics to OpenTelemetry (or any listener):
/// <c>.AddSource(BulkDataDiagnostics.Name)</c> and <c>.AddMeter(BulkDataDiagnostics.Name)</c>. Every job is a
/// span (<c>bulkdata.import</c>, <c>bulkdata.export</c>, ...) with a child span per batch written; the meter
/// counts rows read, written and failed, times batches and jobs, and follows the runner's queue.
/// </summary>
public static class BulkDataDiagnostics
{
    /// <summary>The name of BulkData's <see cref="ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>.</summary>
    public const string Name = "BulkData";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> RowsRead = Meter.CreateCounter<long>("bulkdata.rows.read", "{row}", "Data rows read from sources.");

    internal static readonly Counter<long> RowsWritten = Meter.CreateCounter<long>("bulkdata.rows.written", "{row}", "Rows committed to targets (imports) or written to sinks (exports).");

    internal static readonly Counter<long> RowsFailed = Meter.CreateCounter<long>("bulkdata.rows.failed", "{row}", "Rows refused with errors.");

    internal static readonly Histogram<double> BatchDuration = Meter.CreateHistogram<double>("bulkdata.batch.duration", "s", "Time to write one batch to its target.");

    internal static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>("bulkdata.job.duration", "s", "Time from a job's start to its end.");

    internal static readonly UpDownCounter<long> QueueLength = Meter.CreateUpDownCounter<long>("bulkdata.queue.length", "{job}", "Queued jobs waiting for a worker of this process.");
}
