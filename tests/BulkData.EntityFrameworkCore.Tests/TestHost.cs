using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Import;
using BulkData.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>A host application: BulkData with the EF Core job store on the test database.</summary>
public sealed class TestHost : IDisposable
{
    private readonly ServiceProvider provider;

    public TestHost(Database database, TimeProvider? time = null, Action<BulkDataBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(database.Factory);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddBulkData(b =>
        {
            b.AddResource<Item>(r => r.Key(i => i.Sku).Ignore(i => i.Id));
            b.UseEntityFrameworkJobStore<ShopContext>();
            configure?.Invoke(b);
        });
        provider = services.BuildServiceProvider();
        Database = database;
    }

    public Database Database { get; }

    public IBulkImporter Importer => provider.GetRequiredService<IBulkImporter>();

    public IJobStore Jobs => provider.GetRequiredService<IJobStore>();

    public ImportRollback<ShopContext> Rollback => provider.GetRequiredService<ImportRollback<ShopContext>>();

    public EntityFrameworkImportTarget<ShopContext, Item> Target(MergeStrategy strategy = MergeStrategy.FailOnConflict, bool skipUnchanged = true) =>
        new(Database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = strategy, SkipUnchanged = skipUnchanged });

    public void Dispose() => provider.Dispose();
}
