using System.Reflection;
using BulkData.Export;
using BulkData.Import;
using BulkData.Sinks;

namespace BulkData.AspNetCore;

/// <summary>The typed import and export calls an endpoint makes for a resource known by name only.</summary>
internal static class ResourceCalls
{
    private static readonly MethodInfo EnqueueImportMethod = typeof(ResourceCalls).GetMethod(nameof(EnqueueImportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ExportMethod = typeof(ResourceCalls).GetMethod(nameof(ExportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo PreviewMethod = typeof(ResourceCalls).GetMethod(nameof(PreviewAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo EnqueueExportMethod = typeof(ResourceCalls).GetMethod(nameof(EnqueueExportAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DescribeMethod = typeof(ResourceCalls).GetMethod(nameof(Describe), 1, BindingFlags.NonPublic | BindingFlags.Static, [typeof(DependencyInjection.ResourceRegistry)])!;
    private static readonly MethodInfo CheckMappingMethod = typeof(ResourceCalls).GetMethod(nameof(CheckMapping), 1, BindingFlags.NonPublic | BindingFlags.Static, [typeof(IServiceProvider), typeof(IReadOnlyDictionary<string, string>)])!;
    private static readonly MethodInfo AddToPackageMethod = typeof(ResourceCalls).GetMethod(nameof(AddToPackage), 1, BindingFlags.NonPublic | BindingFlags.Static, [typeof(IServiceProvider), typeof(Packages.PackageExportOperation)])!;

    public static Task<Guid> EnqueueImport(Type type, IServiceProvider services, ImportRequest request, Stream upload, CancellationToken cancellationToken) =>
        (Task<Guid>)EnqueueImportMethod.MakeGenericMethod(type).Invoke(null, [services, request, upload, cancellationToken])!;

    /// <summary>
    /// Checks the request (filter, columns) and counts its rows before the sink is created, so a bad one is answered
    /// before any byte is sent; null, with nothing written, when there are more than <paramref name="maxRows"/>.
    /// </summary>
    public static Task<ExportResult?> Export(Type type, IServiceProvider services, ExportRequest request, long maxRows, Func<IExportSink> sink, CancellationToken cancellationToken) =>
        (Task<ExportResult?>)ExportMethod.MakeGenericMethod(type).Invoke(null, [services, request, maxRows, sink, cancellationToken])!;

    public static Task<ImportPreviewView> Preview(Type type, IServiceProvider services, Jobs.Job job, Stream file, int rows, CancellationToken cancellationToken) =>
        (Task<ImportPreviewView>)PreviewMethod.MakeGenericMethod(type).Invoke(null, [services, job, file, rows, cancellationToken])!;

    public static Task<Guid> EnqueueExport(Type type, IServiceProvider services, ExportRequest request, CancellationToken cancellationToken) =>
        (Task<Guid>)EnqueueExportMethod.MakeGenericMethod(type).Invoke(null, [services, request, cancellationToken])!;

    public static ResourceView Describe(Type type, DependencyInjection.ResourceRegistry registry) =>
        (ResourceView)DescribeMethod.MakeGenericMethod(type).Invoke(null, [registry])!;

    private static ResourceView Describe<T>(DependencyInjection.ResourceRegistry registry)
        where T : class
    {
        var resource = registry.Get<T>();
        return new ResourceView(
            resource.Name,
            resource.Name.ToLowerInvariant(),
            resource.Columns.Where(c => c.IsImported).Select(c => new ResourceColumnView(c.Name, c.MemberName, c.IsRequired, c.IsKey, c.Aliases)).ToArray());
    }

    /// <summary>Checks that each mapped column is an importable column of the resource.</summary>
    /// <exception cref="BulkDataConfigurationException">A column is not the resource's; the message names it.</exception>
    public static void CheckMapping(Type type, IServiceProvider services, IReadOnlyDictionary<string, string> mapping) =>
        CheckMappingMethod.MakeGenericMethod(type).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [services, mapping], null);

    private static void CheckMapping<T>(IServiceProvider services, IReadOnlyDictionary<string, string> mapping)
        where T : class
    {
        var operation = Get<IBulkImporter>(services).For<T>();
        foreach (var (header, column) in mapping)
        {
            operation = operation.MapColumn(header, column);
        }
    }

    public static Packages.PackageExportOperation AddToPackage(Type type, IServiceProvider services, Packages.PackageExportOperation package) =>
        (Packages.PackageExportOperation)AddToPackageMethod.MakeGenericMethod(type).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [services, package], null)!;

    private static Packages.PackageExportOperation AddToPackage<T>(IServiceProvider services, Packages.PackageExportOperation package)
        where T : class => package.Add(Get<ExportSource<T>>(services).Rows(services));

    // Async, so that a problem found while setting up reaches the caller in the task, not wrapped by reflection.
    private static async Task<Guid> EnqueueImportAsync<T>(IServiceProvider services, ImportRequest request, Stream upload, CancellationToken cancellationToken)
        where T : class
    {
        var operation = Get<IBulkImporter>(services).For<T>().OwnedBy(request.Actor, request.Scope.Tenant)
            .WithOptions(o =>
            {
                o.CommitMode = request.CommitMode ?? o.CommitMode;
                o.MergeStrategy = request.MergeStrategy ?? o.MergeStrategy;
            });
        operation = request.Culture is null ? operation : operation.WithCulture(request.Culture);
        foreach (var (name, value) in request.Parameters)
        {
            operation = operation.WithParameter(name, value);
        }

        return await operation.EnqueueAsync(upload, request.FileName, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ImportPreviewView> PreviewAsync<T>(IServiceProvider services, Jobs.Job job, Stream file, int rows, CancellationToken cancellationToken)
        where T : class
    {
        var operation = QueuedImport.Restore(Get<IBulkImporter>(services).For<T>(), job).From(Get<DependencyInjection.ResourceRegistry>(services).ImportFormats.Open(job, file));
        var preview = await operation.PreviewAsync(rows, cancellationToken).ConfigureAwait(false);
        var mapping = preview.Mapping;
        return new ImportPreviewView(
            preview.Status,
            mapping?.Headers ?? [],
            mapping?.Matches ?? [],
            mapping?.UnmappedHeaders ?? [],
            mapping?.MissingColumns ?? [],
            mapping?.Suggestions ?? [],
            preview.Warnings,
            preview.Errors,
            preview.PreviewRows.Select(r => new PreviewRowView(r.RowNumber, r.LineNumber, r.Cells.ToArray(), r.Errors)).ToArray());
    }

    private static async Task<ExportResult?> ExportAsync<T>(IServiceProvider services, ExportRequest request, long maxRows, Func<IExportSink> sink, CancellationToken cancellationToken)
        where T : class
    {
        var operation = Prepare<T>(services, request).From(Get<ExportSource<T>>(services).Rows(services));
        if (maxRows < long.MaxValue && await operation.CountAsync(maxRows + 1, cancellationToken).ConfigureAwait(false) > maxRows)
        {
            return null;
        }

        var writer = sink();
        await using (writer.ConfigureAwait(false))
        {
            return await operation.ToAsync(writer, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<Guid> EnqueueExportAsync<T>(IServiceProvider services, ExportRequest request, CancellationToken cancellationToken)
        where T : class => await Prepare<T>(services, request).EnqueueAsync(request.Format, cancellationToken).ConfigureAwait(false);

    private static ExportOperation<T> Prepare<T>(IServiceProvider services, ExportRequest request)
        where T : class
    {
        var operation = Get<IBulkExporter>(services).For<T>().OwnedBy(request.Actor, request.Scope.Tenant);
        operation = request.Columns.Length == 0 ? operation : operation.Columns(request.Columns);
        return request.Filter is null ? operation : operation.Where(request.Filter);
    }

    private static TService Get<TService>(IServiceProvider services)
        where TService : class =>
        services.GetService(typeof(TService)) as TService
            ?? throw new BulkDataConfigurationException(typeof(TService).Name, $"This application has no {typeof(TService).Name.Replace("`1", string.Empty, StringComparison.Ordinal)} registered for the resource.");
}

/// <summary>A resource as an importer page shows it: its name, its path in the API, and the columns a file can map to.</summary>
/// <param name="Name">The resource's name.</param>
/// <param name="Path">Its segment in the API's routes, e.g. <c>product</c> in <c>product/imports</c>.</param>
/// <param name="Columns">Its importable columns.</param>
public sealed record ResourceView(string Name, string Path, IReadOnlyList<ResourceColumnView> Columns);

/// <summary>A column a file's header can map to.</summary>
/// <param name="Name">Its header name.</param>
/// <param name="Member">The member behind it.</param>
/// <param name="Required">True when every file must map it.</param>
/// <param name="Key">True when it is part of the import key.</param>
/// <param name="Aliases">Other header spellings that map to it.</param>
public sealed record ResourceColumnView(string Name, string Member, bool Required, bool Key, IReadOnlyList<string> Aliases);

/// <summary>What a queued data package would do (or did), per resource, and its errors, each naming its resource.</summary>
/// <param name="Status">Validated when every row of every resource would import; ValidationFailed or Failed otherwise.</param>
/// <param name="FailureReason">Why it failed, when it did (a refused package says what was wrong with it).</param>
/// <param name="Resources">Per resource, in import order: rows new, updated, unchanged and failing, and references that do not resolve.</param>
/// <param name="Errors">The errors, each message starting with its resource's name.</param>
public sealed record PackagePreviewView(Jobs.JobStatus Status, string? FailureReason, IReadOnlyList<PackageResourceView> Resources, IReadOnlyList<Validation.RowError> Errors)
{
    internal static PackagePreviewView Of(Jobs.Job job) => new(
        job.Status,
        job.FailureReason,
        job.Parameters.TryGetValue("resources", out var json)
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, PackageResourceView>>(json)!.Select(r => r.Value with { Name = r.Key }).ToArray()
            : [],
        job.Errors);
}

/// <summary>One resource of a package preview.</summary>
/// <param name="Name">Its name in the package.</param>
/// <param name="Resource">The registered resource it goes to.</param>
/// <param name="New">Rows that would be created.</param>
/// <param name="Updated">Rows that would update a record.</param>
/// <param name="Unchanged">Rows whose record already holds their values.</param>
/// <param name="Failing">Rows with errors.</param>
/// <param name="Unresolved">References and attachments that resolve neither in the package nor in the database.</param>
public sealed record PackageResourceView(string Name, string Resource, long New, long Updated, long Unchanged, long Failing, long Unresolved);

/// <summary>An upload to queue, as the endpoint read it from the request.</summary>
internal sealed record ImportRequest(Jobs.JobScope Scope, string? Actor, string FileName, CommitMode? CommitMode, MergeStrategy? MergeStrategy, System.Globalization.CultureInfo? Culture, IReadOnlyDictionary<string, string> Parameters);

/// <summary>An export, as the endpoint read it from the query string.</summary>
internal sealed record ExportRequest(Jobs.JobScope Scope, string? Actor, string Format, string[] Columns, ExportFilter? Filter);

/// <summary>
/// The first rows of an upload as they would be imported: the mapping chosen (each match with its kind and
/// score), headers left unmapped with suggestions, missing columns, and each row's cells and errors.
/// </summary>
/// <param name="Status">Validated when every previewed row is valid and the columns match; ValidationFailed otherwise.</param>
/// <param name="Headers">The file's headers, in file order.</param>
/// <param name="Matches">Each mapped header with its column, how it matched and the confidence (0 to 1).</param>
/// <param name="UnmappedHeaders">Headers that map to no column.</param>
/// <param name="MissingColumns">Columns that no header maps to.</param>
/// <param name="Suggestions">Close matches for unmapped headers, to offer a user.</param>
/// <param name="Warnings">Warnings about the file.</param>
/// <param name="Errors">Mapping errors and row errors.</param>
/// <param name="Rows">The rows read.</param>
public sealed record ImportPreviewView(
    Jobs.JobStatus Status,
    IReadOnlyList<string> Headers,
    IReadOnlyList<Mapping.ColumnMatch> Matches,
    IReadOnlyList<string> UnmappedHeaders,
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<Mapping.ColumnSuggestion> Suggestions,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<Validation.RowError> Errors,
    IReadOnlyList<PreviewRowView> Rows);

/// <summary>One previewed row: its cells as read and its errors.</summary>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="LineNumber">The line (CSV) or sheet row (XLSX) it starts on.</param>
/// <param name="Cells">The cells as read.</param>
/// <param name="Errors">What is wrong with it; empty when it would import.</param>
public sealed record PreviewRowView(long RowNumber, long LineNumber, IReadOnlyList<string?> Cells, IReadOnlyList<Validation.RowError> Errors);
