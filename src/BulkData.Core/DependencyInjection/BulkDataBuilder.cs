using BulkData.Export;
using BulkData.Import;
using BulkData.Jobs;
using BulkData.Resources;
using BulkData.Sinks;
using BulkData.Sources;
using BulkData.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace BulkData.DependencyInjection;

/// <summary>
/// Configures BulkData inside <c>AddBulkData</c>: resources, validators, the job store and import
/// defaults. Resources are built as they are added, so configuration mistakes throw at start-up.
/// Other BulkData packages add their own extension methods to this builder.
/// </summary>
public sealed class BulkDataBuilder
{
    internal BulkDataBuilder(IServiceCollection services, ResourceRegistry registry, IConfiguration? configuration = null)
    {
        Services = services;
        Registry = registry;
        Configuration = configuration;
    }

    /// <summary>The <c>BulkData</c> configuration section, when <c>AddBulkData</c> was given one.</summary>
    internal IConfiguration? Configuration { get; }

    /// <summary>The application's services, for extension packages.</summary>
    public IServiceCollection Services { get; }

    internal ResourceRegistry Registry { get; }

    /// <summary>Registers the generic resource of <typeparamref name="T"/>, with optional fluent configuration.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="configure">The key, columns, rules and so on.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">The configuration is wrong, or the resource is registered twice.</exception>
    public BulkDataBuilder AddResource<T>(Action<ResourceBuilder<T>>? configure = null)
        where T : class
    {
        Registry.Add(new Resource<T>(), configure);
        return this;
    }

    /// <summary>Registers a custom resource class, with optional extra fluent configuration.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TResource">The resource class, deriving from <see cref="Resource{T}"/>.</typeparam>
    /// <param name="configure">Configuration applied after the class's own <c>Configure</c>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">The configuration is wrong, or the resource is registered twice.</exception>
    public BulkDataBuilder AddResource<T, TResource>(Action<ResourceBuilder<T>>? configure = null)
        where T : class
        where TResource : Resource<T>, new()
    {
        Registry.Add(new TResource(), configure);
        return this;
    }

    /// <summary>Adds a validator for <typeparamref name="T"/>, created by DI for each import (so it may take services).</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <typeparam name="TValidator">The validator.</typeparam>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddValidator<T, TValidator>()
        where T : class
        where TValidator : class, IRowValidator<T>
    {
        Services.TryAddEnumerable(ServiceDescriptor.Transient<IRowValidator<T>, TValidator>());
        return this;
    }

    /// <summary>Keeps jobs in <typeparamref name="TStore"/> instead of the in-memory default.</summary>
    /// <typeparam name="TStore">The store.</typeparam>
    /// <returns>This builder.</returns>
    public BulkDataBuilder UseJobStore<TStore>()
        where TStore : class, IJobStore
    {
        Services.Replace(ServiceDescriptor.Singleton<IJobStore, TStore>());
        return this;
    }

    /// <summary>
    /// Registers where queued imports of <typeparamref name="T"/> are written, created in the job's own scope
    /// (e.g. an <c>EntityFrameworkImportTarget</c>). Replaces an earlier registration.
    /// </summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="create">Creates the target from the job's scope.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddImportTarget<T>(Func<IServiceProvider, IImportTarget<T>> create)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(create);
        Services.Replace(ServiceDescriptor.Scoped(create));
        return this;
    }

    /// <summary>
    /// Registers where queued data package imports (<c>Package(...).EnqueueAsync()</c>, the HTTP API's package uploads)
    /// are written, created in the job's own scope (e.g. an <c>EntityFrameworkPackageTarget</c>). Replaces an earlier registration.
    /// </summary>
    /// <param name="create">Creates the target from the job's scope.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddPackageImportTarget(Func<IServiceProvider, Packages.IPackageImportTarget> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        Services.Replace(ServiceDescriptor.Scoped(create));
        return this;
    }

    /// <summary>
    /// Registers where queued and scheduled exports of <typeparamref name="T"/> read their rows, in the job's own
    /// scope, e.g. <c>p =&gt; p.GetRequiredService&lt;ShopContext&gt;().Products</c>. A query is filtered in the
    /// database by the job's stored filter.
    /// </summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="rows">Gives the rows from the job's scope.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddExportSource<T>(Func<IServiceProvider, IEnumerable<T>> rows)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        Services.Replace(ServiceDescriptor.Singleton(new ExportSource<T>(rows)));
        return this;
    }

    /// <summary>
    /// Lets queued, scheduled and HTTP exports be asked for in another format by name, e.g. a package's
    /// (<c>AddPdfExport()</c> does this for <c>pdf</c>). Register formats before the scheduled exports that use them.
    /// </summary>
    /// <param name="name">The format's name, e.g. <c>pdf</c>; case is ignored.</param>
    /// <param name="contentType">The media type of its files, for HTTP responses.</param>
    /// <param name="create">Creates a sink writing to a stream the caller owns.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddExportFormat(string name, string contentType, Func<Stream, IExportSink> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        ArgumentNullException.ThrowIfNull(create);
        Registry.Formats.AddWriter(name, contentType, create);
        return this;
    }

    /// <summary>
    /// Lets queued imports (<c>EnqueueAsync</c>) read another format: uploads whose file name ends in one of
    /// <paramref name="extensions"/> are queued as <paramref name="name"/>, and whichever process runs the job reads the
    /// stored file with <paramref name="open"/>. Register it in every process that runs jobs. A built-in name
    /// (csv, xlsx, json) is replaced.
    /// </summary>
    /// <param name="name">The format's name, recorded on the job; case is ignored.</param>
    /// <param name="extensions">The file name extensions of the format, e.g. <c>.parquet</c>.</param>
    /// <param name="open">Reads a job's stored file (a stream the caller owns); the job's parameters carry the reading options given with <c>WithParameter</c>.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder AddImportFormat(string name, IEnumerable<string> extensions, Func<Stream, Job, IImportSource> open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(extensions);
        ArgumentNullException.ThrowIfNull(open);
        Registry.Formats.AddReader(name, extensions, open);
        return this;
    }

    /// <summary>
    /// Exports <typeparamref name="T"/> on a schedule: at each tick of <paramref name="cron"/> a queued export job
    /// reads the rows from the resource's export source (<see cref="AddExportSource{T}"/>), applies the stored
    /// filter and columns, and keeps its file in the file store, for <see cref="ScheduledExportOptions.Retention"/>.
    /// Every process that registers the schedule ticks, and each tick runs once: on one process alone, or once per
    /// cluster. Needs a runner (<c>UseInProcessRunner</c> or a clustered one). Register the resource first.
    /// </summary>
    /// <typeparam name="T">The resource's item type.</typeparam>
    /// <param name="name">The schedule's name, unique, recorded on each run's job (the <c>schedule</c> parameter).</param>
    /// <param name="cron">Five fields (<c>0 3 * * *</c>: every day at 03:00) or six with seconds first.</param>
    /// <param name="configure">Sets the format, filter, columns, owner and retention; null for a CSV of every row.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">The cron expression, the filter, a column or the format is not valid; checked now, not at the first tick.</exception>
    public BulkDataBuilder AddScheduledExport<T>(string name, string cron, Action<ScheduledExportOptions>? configure = null)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(cron);
        var options = new ScheduledExportOptions();
        configure?.Invoke(options);
        var expression = ScheduledExport.ParseCron(name, cron);
        var format = Registry.Formats.CheckWritable(options.Format);
        var resource = Registry.Get<T>();
        options.Filter?.Validate(resource);
        var columns = options.Columns.ToArray();
        ExportOperation<T>.CheckColumns(resource, columns);
        Services.AddSingleton(new ScheduledExport(name, expression, options, async (provider, due, cancellationToken) =>
        {
            var operation = provider.GetRequiredService<IBulkExporter>().For<T>().OwnedBy(options.Owner, options.Tenant)
                .WithParameter(QueuedExport.ScheduleParameter, name)
                .WithParameter(QueuedExport.DueAtParameter, due.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            operation = columns.Length == 0 ? operation : operation.Columns(columns);
            operation = options.Filter is null ? operation : operation.Where(options.Filter);
            return await operation.EnqueueAsJobAsync(format, ScheduledExport.RunId(name, due), cancellationToken).ConfigureAwait(false);
        }));
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScheduledExportService>());
        return this;
    }

    /// <summary>
    /// Runs queued imports (<c>EnqueueAsync</c>) in this process, as a hosted service, and keeps their uploads
    /// in the registered <see cref="IFileStore"/> (a local folder unless the application registered another).
    /// On start it takes up the jobs a stopped or crashed process left queued or processing. For one process
    /// per job store; use a clustered runner for several.
    /// </summary>
    /// <param name="configure">Sets the concurrency; null for the defaults.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder UseInProcessRunner(Action<InProcessRunnerOptions>? configure = null)
    {
        // Configuration (the Runner and Files sections) is applied over the code's settings, so operators can change them.
        var options = new InProcessRunnerOptions();
        configure?.Invoke(options);
        BindOptions(options, "Runner");
        Services.TryAddSingleton(provider => new InProcessJobRunner(
            provider.GetRequiredService<IQueuedJobExecutor>(),
            provider.GetRequiredService<IJobStore>(),
            options,
            provider.GetService<ILoggerFactory>()?.CreateLogger("BulkData.Runner") ?? NullLogger.Instance));
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InProcessJobRunner>(provider => provider.GetRequiredService<InProcessJobRunner>()));
        return UseRunner(provider => provider.GetRequiredService<InProcessJobRunner>());
    }

    /// <summary>
    /// Applies a section of the <c>BulkData</c> configuration (when <c>AddBulkData</c> was given one) over
    /// options set in code, so operators can change them, checks their DataAnnotations at start-up, and
    /// registers the result as <see cref="IOptions{TOptions}"/> for the application to read. For extension packages.
    /// </summary>
    /// <typeparam name="TOptions">The options' type.</typeparam>
    /// <param name="options">The options, as the code set them.</param>
    /// <param name="section">The section's name, e.g. <c>Runner</c>.</param>
    /// <exception cref="BulkDataConfigurationException">An option is missing or out of range; the message names it.</exception>
    public void BindOptions<TOptions>(TOptions options, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        Configuration?.GetSection(section).Bind(options);
        BulkDataConfigurationException.ThrowIfInvalid(options);
        Services.Replace(ServiceDescriptor.Singleton(Options.Create(options)));
    }

    /// <summary>
    /// Runs queued jobs with this runner (a clustered engine's package calls it), keeps uploads in the
    /// registered <see cref="IFileStore"/> (a local folder unless the application registered another), and
    /// registers the <see cref="IQueuedJobExecutor"/> the runner's workers call.
    /// </summary>
    /// <param name="create">Creates the runner.</param>
    /// <returns>This builder.</returns>
    public BulkDataBuilder UseRunner(Func<IServiceProvider, IJobRunner> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var files = new LocalFolderFileStoreOptions();
        Configuration?.GetSection("Files").Bind(files);
        Services.TryAddSingleton<IFileStore>(provider => new LocalFolderFileStore(files, provider.GetService<TimeProvider>()));
        Services.TryAddSingleton<IQueuedJobExecutor, QueuedJobExecutor>();
        Services.Replace(ServiceDescriptor.Singleton(create));
        return this;
    }

    /// <summary>Sets the application-wide import defaults; each import can still change them.</summary>
    /// <param name="configure">Changes the defaults.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of range.</exception>
    public BulkDataBuilder ConfigureImport(Action<ImportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Registry.ImportDefaults);
        Registry.ImportDefaults.Validate();
        return this;
    }
}
