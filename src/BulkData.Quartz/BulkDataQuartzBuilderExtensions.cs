using BulkData.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace BulkData.Quartz;

/// <summary>Registers the Quartz.NET runner on <see cref="BulkDataBuilder"/>.</summary>
public static class BulkDataQuartzBuilderExtensions
{
    /// <summary>
    /// Runs queued jobs on Quartz.NET's clustered ADO.NET job store on PostgreSQL: every process that calls
    /// this with the same database and <see cref="QuartzRunnerOptions.SchedulerName"/> is a node of one
    /// cluster; a job runs on one node, and a job whose node dies is taken over by another (resumed after
    /// its last committed batch). Quartz's tables are created when missing. Uploads go to the registered
    /// file store, which every node must reach (<c>UseEntityFrameworkFileStore</c> without a shared disk).
    /// </summary>
    /// <param name="builder">The BulkData builder.</param>
    /// <param name="configure">Sets the connection string and the rest; configuration's <c>Runner</c> section is applied over it.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is missing or out of range.</exception>
    public static BulkDataBuilder UseQuartzRunner(this BulkDataBuilder builder, Action<QuartzRunnerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new QuartzRunnerOptions();
        configure(options);
        builder.BindOptions(options, "Runner");
        builder.Services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(scheduler =>
            {
                // One name per cluster; a generated id per process, so the nodes tell each other apart.
                scheduler.InstanceName = options.SchedulerName;
                scheduler.GenerateInstanceId = true;
            });
            quartz.UseDefaultThreadPool(options.MaxConcurrency);
            quartz.UsePersistentStore(store =>
            {
                store.UsePostgres(options.ConnectionString);
                store.UseClustering(clustering =>
                {
                    clustering.CheckinInterval = options.CheckinInterval;
                    clustering.CheckinMisfireThreshold = options.CheckinMisfireThreshold;
                });
                store.ProvisionSchema();
            });
        });
        if (options.RunsJobs)
        {
            builder.Services.AddQuartzHostedService(hosted => hosted.WaitForJobsToComplete = false);
        }

        builder.Services.AddTransient<RunQueuedJob>();
        return builder.UseRunner(provider => new QuartzJobRunner(provider.GetRequiredService<ISchedulerFactory>()));
    }
}
