using BulkData.Jobs;
using Quartz;

namespace BulkData.Quartz;

/// <summary>
/// Hands each queued job to Quartz as a Quartz job of its own, stored in Quartz's clustered job store and
/// marked for recovery: whichever node is free runs it, and when that node dies another node runs it again.
/// </summary>
internal sealed class QuartzJobRunner(ISchedulerFactory schedulers) : IJobRunner
{
    /// <summary>The Quartz group of BulkData's queued jobs; the job's name is BulkData's job id.</summary>
    public const string Group = "bulkdata-jobs";

    public async ValueTask EnqueueAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken).ConfigureAwait(false);
        var job = JobBuilder.Create<RunQueuedJob>()
            .WithIdentity(jobId.ToString(), Group)
            .RequestRecovery()
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(jobId.ToString(), Group)
            .StartNow()
            .Build();
        await scheduler.ScheduleJob(job, trigger, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The Quartz job that runs one queued BulkData job, named by its id; resumes it when recovering.</summary>
internal sealed class RunQueuedJob(IQueuedJobExecutor executor) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await executor.RunAsync(Guid.Parse(context.JobDetail.Key.Name), cancellationToken).ConfigureAwait(false);
}
