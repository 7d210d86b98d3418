using System.ComponentModel.DataAnnotations;

namespace BulkData.Quartz;

/// <summary>How the Quartz.NET runner runs queued jobs over a cluster of processes sharing one PostgreSQL database.</summary>
public sealed class QuartzRunnerOptions
{
    /// <summary>The PostgreSQL database holding Quartz's tables (created when missing). Required.</summary>
    [Required]
    public string ConnectionString { get; set; } = "";

    /// <summary>The cluster's name: every process of one cluster uses the same. Default: <c>BulkData</c>.</summary>
    [Required]
    public string SchedulerName { get; set; } = "BulkData";

    /// <summary>How many jobs this process runs at once. Default: 2.</summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 2;

    /// <summary>
    /// How often this process tells the cluster it is alive. A process silent for this long plus
    /// <see cref="CheckinMisfireThreshold"/> is taken for dead and its jobs are run again elsewhere
    /// (resumed after their last committed batch). Default: 5 seconds.
    /// </summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The grace after a missed check-in before a process is taken for dead. Default: 5 seconds.</summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// False for a process that only queues jobs (a web front end) and leaves running them to the others.
    /// Default: true.
    /// </summary>
    public bool RunsJobs { get; set; } = true;
}
