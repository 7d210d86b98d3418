using BulkData.Jobs;
using Microsoft.Extensions.Logging.Abstractions;

namespace BulkData.Core.Tests.Jobs;

/// <summary>Issue 23: every job ends, also one queued again while its last run is still winding down here.</summary>
public sealed class InProcessJobRunnerTests
{
    /// <summary>Runs each job by waiting until the test lets it end, counting the runs.</summary>
    private sealed class HeldExecutor : IQueuedJobExecutor
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource RanTwice { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Runs;

        public async Task RunAsync(Guid jobId, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Increment(ref Runs) == 2)
            {
                RanTwice.SetResult();
                return;
            }

            Started.SetResult();
            await Release.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// A job committed the moment its validation run recorded its end (the run not yet returned to the runner) was
    /// dropped as "already here", and stayed queued for ever; it now runs again once that run returns.
    /// </summary>
    [Fact]
    public async Task AJobQueuedAgainWhileItRuns_RunsAgainAfterwards()
    {
        var executor = new HeldExecutor();
        using var runner = new InProcessJobRunner(executor, new InMemoryJobStore(), new InProcessRunnerOptions(), NullLogger.Instance);
        await runner.StartAsync(CancellationToken.None);
        var job = Guid.NewGuid();

        await runner.EnqueueAsync(job);
        await executor.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await runner.EnqueueAsync(job);
        executor.Release.SetResult();

        await executor.RanTwice.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, executor.Runs);
        await runner.StopAsync(CancellationToken.None);
    }
}
