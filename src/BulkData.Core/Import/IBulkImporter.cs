using System.Diagnostics.CodeAnalysis;
using BulkData.DependencyInjection;
using BulkData.Jobs;
using BulkData.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace BulkData;

/// <summary>The entry point for imports: inject it and call <see cref="For{T}"/>.</summary>
public interface IBulkImporter
{
    /// <summary>Starts setting up an import of <typeparamref name="T"/> with its registered resource and validators.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <returns>An operation to give a source and run.</returns>
    [SuppressMessage("Naming", "CA1716", Justification = "'For' reads as intended in C#; the clash is with a Visual Basic keyword.")]
    ImportOperation<T> For<T>()
        where T : class;

    /// <summary>Starts setting up the import of a data package file (a ZIP with <c>datapackage.json</c>).</summary>
    /// <param name="path">The package's path.</param>
    /// <returns>An operation to preview or run.</returns>
    Packages.PackageImportOperation Package(string path);

    /// <summary>
    /// Starts setting up the import of a data package from a stream (an upload): each run copies it to a temporary
    /// file first, since a ZIP is read from its end; a seekable stream is rewound for each run.
    /// </summary>
    /// <param name="package">The package's content; it is not disposed.</param>
    /// <param name="name">The file name recorded on the job.</param>
    /// <returns>An operation to preview or run.</returns>
    Packages.PackageImportOperation Package(Stream package, string name);
}

/// <summary>
/// Creates import operations. Like <c>IHttpClientFactory</c>, it resolves the validators of the
/// requested type from the current scope, because they are generic over a type known only at the call.
/// </summary>
internal sealed class BulkImporter(ResourceRegistry registry, JobServices jobServices, IServiceProvider services) : IBulkImporter
{
    public ImportOperation<T> For<T>()
        where T : class
    {
        var resource = registry.Get<T>();
        var validators = resource.Definition.Validators.Concat(services.GetServices<IRowValidator<T>>()).ToArray();
        return new ImportOperation<T>(resource, validators, jobServices, registry.ImportDefaults.Clone());
    }

    public Packages.PackageImportOperation Package(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(registry, jobServices, this, Path.GetFileName(path), (_, _) => Task.FromResult((path, false)));
    }

    public Packages.PackageImportOperation Package(Stream package, string name)
    {
        ArgumentNullException.ThrowIfNull(package);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new(registry, jobServices, this, name, async (options, cancellationToken) =>
        {
            var path = Path.Combine(Path.GetTempPath(), $"bulkdata-package-{Guid.NewGuid():N}.zip");
            try
            {
                if (package.CanSeek)
                {
                    package.Position = 0;
                }

                await using var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81_920, useAsync: true);
                await Sources.SourceStreams.CopyLimitedAsync(
                    package,
                    copy,
                    options.MaxUnpackedBytes,
                    () => new ImportLimitExceededException($"{nameof(Packages.DataPackageOptions)}.{nameof(Packages.DataPackageOptions.MaxUnpackedBytes)}", options.MaxUnpackedBytes, "The package is larger than", "bytes"),
                    cancellationToken).ConfigureAwait(false);
                return (path, true);
            }
            catch
            {
                File.Delete(path);
                throw;
            }
        });
    }
}
