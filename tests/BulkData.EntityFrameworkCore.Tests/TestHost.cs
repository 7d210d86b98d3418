using BulkData.DependencyInjection;
using BulkData.EntityFrameworkCore.Import;
using BulkData.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>A host application: BulkData with the EF Core job store on the test database.</summary>
public sealed class TestHost : IDisposable
{
    private readonly ServiceProvider provider;

    /// <param name="database">The test database.</param>
    /// <param name="time">The clock, when a test moves time.</param>
    /// <param name="configure">More configuration: resources, options.</param>
    /// <param name="addItems">Registers the <see cref="Item"/> resource keyed on its SKU.</param>
    public TestHost(Database database, TimeProvider? time = null, Action<BulkDataBuilder>? configure = null, bool addItems = true)
    {
        var services = new ServiceCollection();
        services.AddSingleton(database.Factory);
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddBulkData(b =>
        {
            if (addItems)
            {
                b.AddResource<Item>(r => r.Key(i => i.Sku).Ignore(i => i.Id));
            }

            b.UseEntityFrameworkJobStore<ShopContext>();
            configure?.Invoke(b);
        });
        provider = services.BuildServiceProvider();
        Database = database;
    }

    public Database Database { get; }

    public IBulkImporter Importer => provider.GetRequiredService<IBulkImporter>();

    public BulkData.IBulkExporter Exporter => provider.GetRequiredService<BulkData.IBulkExporter>();

    public IJobStore Jobs => provider.GetRequiredService<IJobStore>();

    public IServiceProvider Services => provider;

    public ImportRollback<ShopContext> Rollback => provider.GetRequiredService<ImportRollback<ShopContext>>();

    public EntityFrameworkImportTarget<ShopContext, Item> Target(MergeStrategy strategy = MergeStrategy.FailOnConflict, bool skipUnchanged = true) =>
        new(Database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = strategy, SkipUnchanged = skipUnchanged });

    public EntityFrameworkImportTarget<ShopContext, TEntity> Target<TEntity>(MergeStrategy strategy, IBulkInserter? inserter = null)
        where TEntity : class =>
        new(Database.Factory, new EntityFrameworkTargetOptions { MergeStrategy = strategy, BulkInserter = inserter, BulkInsertThreshold = 1 });

    public void Dispose() => provider.Dispose();
}
