using BulkData.EntityFrameworkCore.Import;
using BulkData.EntityFrameworkCore.Jobs;
using BulkData.EntityFrameworkCore.Mapping;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace BulkData.DependencyInjection;

/// <summary>Registers BulkData's EF Core job store and rollback in <c>AddBulkData</c>.</summary>
public static class BulkDataBuilderEntityFrameworkExtensions
{
    /// <summary>
    /// Keeps jobs in <typeparamref name="TContext"/>'s database (its model must call <c>AddBulkDataJobs()</c>;
    /// the host registers the context with <c>AddDbContextFactory</c>), and registers
    /// <see cref="ImportRollback{TContext}"/> for imports into that context.
    /// </summary>
    /// <typeparam name="TContext">The application's context.</typeparam>
    /// <param name="builder">The BulkData builder.</param>
    /// <param name="configureRollback">Changes the rollback window (24 hours by default).</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder UseEntityFrameworkJobStore<TContext>(this BulkDataBuilder builder, Action<RollbackOptions>? configureRollback = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        var rollback = new RollbackOptions();
        configureRollback?.Invoke(rollback);
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore>(OnContexts<TContext, IJobStore>((contexts, time) => new EntityFrameworkJobStore<TContext>(contexts, time))));
        builder.Services.TryAddSingleton(OnContexts<TContext, ImportRollback<TContext>>((contexts, time) => new ImportRollback<TContext>(contexts, time, rollback)));
        builder.Services.TryAddSingleton<IImportRollback>(provider => provider.GetRequiredService<ImportRollback<TContext>>());
        return builder;
    }

    /// <summary>
    /// Remembers the column mappings users choose (<see cref="IMappingStore"/>) in <typeparamref name="TContext"/>'s
    /// database, in the <c>bulkdata_mappings</c> table that <c>AddBulkDataJobs()</c> adds, shared by every process.
    /// </summary>
    /// <typeparam name="TContext">The application's context.</typeparam>
    /// <param name="builder">The BulkData builder.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder UseEntityFrameworkMappingStore<TContext>(this BulkDataBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IMappingStore>(OnContexts<TContext, IMappingStore>((contexts, time) => new EntityFrameworkMappingStore<TContext>(contexts, time))));
        return builder;
    }

    /// <summary>
    /// Resolves lookup columns (<c>LookUp</c>) in <typeparamref name="TContext"/>'s database for the runs that do not
    /// import into it: previews, dry runs, imports into another target, and exports (which write each referenced
    /// record's natural key). An import into the EF Core target resolves in its own transaction without this.
    /// </summary>
    /// <typeparam name="TContext">The context holding the referenced records.</typeparam>
    /// <param name="builder">The BulkData builder.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder UseEntityFrameworkLookups<TContext>(this BulkDataBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IReferenceResolver>(provider => new EntityFrameworkReferenceResolver<TContext>(provider.GetRequiredService<IDbContextFactory<TContext>>())));
        return builder;
    }

    /// <summary>
    /// Keeps the files of queued jobs in <typeparamref name="TContext"/>'s database, in chunks, instead of a local
    /// folder: for processes that share a database but no disk. Call before <c>UseInProcessRunner</c>.
    /// </summary>
    /// <typeparam name="TContext">The application's context, whose model calls <c>AddBulkDataJobs()</c>.</typeparam>
    /// <param name="builder">The BulkData builder.</param>
    /// <returns>The builder.</returns>
    public static BulkDataBuilder UseEntityFrameworkFileStore<TContext>(this BulkDataBuilder builder)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFileStore>(OnContexts<TContext, IFileStore>((contexts, time) => new EntityFrameworkFileStore<TContext>(contexts, time))));
        return builder;
    }

    /// <summary>Creates a service on the host's context factory and BulkData's clock (<c>AddBulkData</c> registers the system's unless the host has one).</summary>
    private static Func<IServiceProvider, TService> OnContexts<TContext, TService>(Func<IDbContextFactory<TContext>, TimeProvider, TService> create)
        where TContext : DbContext =>
        provider => create(provider.GetRequiredService<IDbContextFactory<TContext>>(), provider.GetRequiredService<TimeProvider>());
}
