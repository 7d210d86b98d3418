using System.Security.Cryptography;
using System.Text;
using BulkData.Jobs;
using Cronos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BulkData.Export;

/// <summary>One registered schedule: its cron expression and how to queue a run of it.</summary>
internal sealed record ScheduledExport(string Name, CronExpression Cron, ScheduledExportOptions Options, Func<IServiceProvider, DateTimeOffset, CancellationToken, Task<Guid?>> EnqueueAsync)
{
    /// <summary>
    /// Parses a cron expression of five fields (minute to day of week) or six (seconds first).
    /// </summary>
    public static CronExpression ParseCron(string name, string cron)
    {
        try
        {
            return CronExpression.Parse(cron, cron.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new BulkDataConfigurationException($"ScheduledExport.{name}", $"The schedule '{cron}' of the scheduled export '{name}' is not a cron expression: {e.Message} Write five fields (minute hour day month weekday, e.g. '0 3 * * *') or six with seconds first.");
        }
    }

    /// <summary>
    /// The job id of the run due at <paramref name="dueAt"/>: the same on every process, so that when every node
    /// of a cluster ticks, the job store takes the first and refuses the others; each tick runs once.
    /// </summary>
    public static Guid RunId(string name, DateTimeOffset dueAt) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes($"{name}|{dueAt.UtcTicks}")).AsSpan(0, 16));
}

/// <summary>
/// Queues each scheduled export when it falls due and drops the runs older than its retention. Every process
/// that registers a schedule ticks; the run's id is derived from the schedule and the due time, so the job
/// store keeps one run per tick however many processes tick, and the runner (in-process or clustered) runs it.
/// </summary>
internal sealed partial class ScheduledExportService(IEnumerable<ScheduledExport> schedules, IServiceProvider services, IJobStore store, TimeProvider time, IFileStore? files = null, ILoggerFactory? loggers = null)
    : BackgroundService
{
    private readonly ILogger logger = loggers?.CreateLogger("BulkData.Schedules") ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(schedules.Select(schedule => RunAsync(schedule, stoppingToken)));

    private async Task RunAsync(ScheduledExport schedule, CancellationToken stoppingToken)
    {
        // Counting on from the last tick, not from the clock, means a tick that fell due while the previous one
        // was still being queued runs late instead of never.
        var last = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            if (schedule.Cron.GetNextOccurrence(last, schedule.Options.TimeZone) is not { } due)
            {
                return;
            }

            last = due;
            var wait = due - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                if (await schedule.EnqueueAsync(services, due, stoppingToken).ConfigureAwait(false) is { } jobId)
                {
                    LogQueued(logger, schedule.Name, due, jobId);
                }

                await ExpireAsync(schedule, stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One failed tick (the database away for a moment) must not end the schedule.
                LogTickFailed(logger, e, schedule.Name, due);
            }
        }
    }

    /// <summary>Deletes the schedule's runs older than its retention, with their files.</summary>
    private async Task ExpireAsync(ScheduledExport schedule, CancellationToken cancellationToken)
    {
        var old = store.QueryAsync(new JobQuery { Kind = JobKind.Export, CreatedBefore = time.GetUtcNow() - schedule.Options.Retention, Take = int.MaxValue }, cancellationToken)
            .Where(job => job.Parameters.GetValueOrDefault(QueuedExport.ScheduleParameter) == schedule.Name && job.IsFinished);
        await foreach (var job in old.ConfigureAwait(false))
        {
            await QueuedJobControl.DeleteWithFilesAsync(store, job, "retention", files, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Scheduled export {Schedule} due at {DueAt} queued as job {JobId}")]
    private static partial void LogQueued(ILogger logger, string schedule, DateTimeOffset dueAt, Guid jobId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Error, Message = "Scheduled export {Schedule} due at {DueAt} could not be queued")]
    private static partial void LogTickFailed(ILogger logger, Exception exception, string schedule, DateTimeOffset dueAt);
}
