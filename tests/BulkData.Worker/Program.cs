using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Worker;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Runs the queued imports of the SQLite database named by the first argument, with the in-process runner,
// until the test kills it. Writes "ready" once the runner has started.
var database = args[0];
var services = new ServiceCollection()
    .AddDbContextFactory<WorkerContext>(o => o.UseSqlite($"Data Source={database};Pooling=False"))
    .AddBulkData(b => b
        .AddResource<WorkerItem>(r => r.Key(i => i.Sku).Ignore(i => i.Id))
        .UseEntityFrameworkJobStore<WorkerContext>()
        .UseEntityFrameworkFileStore<WorkerContext>()
        .UseInProcessRunner()
        .AddImportTarget<WorkerItem>(p => new EntityFrameworkImportTarget<WorkerContext, WorkerItem>(
            p.GetRequiredService<IDbContextFactory<WorkerContext>>(), new EntityFrameworkTargetOptions { MergeStrategy = MergeStrategy.Upsert })))
    .Services
    .BuildServiceProvider();
foreach (var hosted in services.GetServices<IHostedService>())
{
    await hosted.StartAsync(CancellationToken.None);
}

Console.WriteLine("ready");
await Task.Delay(Timeout.Infinite);
