using BulkData;
using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.PostgreSql;
using BulkData.Quartz;
using BulkData.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// A worker process for the runner tests, run until the test kills it. Writes "ready" once its runner has started
// (and, in a cluster, its Quartz instance id).
//   BulkData.Worker <sqlite file>                 the in-process runner on a SQLite database
//   BulkData.Worker --quartz <connection string>  a node of the Quartz cluster on a PostgreSQL database
//   ... --schedule <cron>                          also exports the items on that schedule
var quartz = args[0] == "--quartz";
var builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders();
builder.Services
    .AddDbContextFactory<WorkerContext>(o => _ = quartz ? o.UseNpgsql(args[1]) : o.UseSqlite($"Data Source={args[0]};Pooling=False"))
    .AddBulkData(b =>
    {
        b.AddResource<WorkerItem>(r => r.Key(i => i.Sku).Ignore(i => i.Id))
            .UseEntityFrameworkJobStore<WorkerContext>()
            .UseEntityFrameworkFileStore<WorkerContext>()
            .AddImportTarget<WorkerItem>(p => new EntityFrameworkImportTarget<WorkerContext, WorkerItem>(
                p.GetRequiredService<IDbContextFactory<WorkerContext>>(),
                new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert, BulkInserter = quartz ? new NpgsqlCopyInserter() : null }));
        if (Array.IndexOf(args, "--schedule") is > 0 and var at)
        {
            b.AddExportSource<WorkerItem>(p => p.GetRequiredService<WorkerContext>().Items.AsNoTracking())
                .AddScheduledExport<WorkerItem>("items", args[at + 1]);
        }

        _ = quartz
            ? b.UseQuartzRunner(o => { o.ConnectionString = args[1]; o.CheckinInterval = TimeSpan.FromSeconds(1); o.CheckinMisfireThreshold = TimeSpan.FromSeconds(2); })
            : b.UseInProcessRunner();
    });
using var host = builder.Build();
await host.StartAsync();
var services = host.Services;

// A cluster node names its Quartz instance, so a test can tell which jobs it held when it was killed.
Console.WriteLine(quartz ? $"ready {(await services.GetRequiredService<Quartz.ISchedulerFactory>().GetScheduler()).SchedulerInstanceId}" : "ready");
await Task.Delay(Timeout.Infinite);
