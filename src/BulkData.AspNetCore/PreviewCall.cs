using BulkData.DependencyInjection;
using BulkData.Resources;

namespace BulkData.AspNetCore;

/// <summary>The first rows of a queued import's stored file as they would be imported, with the job's settings.</summary>
internal sealed class PreviewCall(IServiceProvider services, Jobs.Job job, Stream file, int rows, CancellationToken cancellationToken) : IResourceVisitor<Task<ImportPreviewView>>
{
    public async Task<ImportPreviewView> Visit<T>(Resource<T> resource)
        where T : class
    {
        var operation = RegisteredServices.Get<IBulkImporter>(services).For<T>().WithSettingsOf(job).From(RegisteredServices.Get<ResourceRegistry>(services).Formats.Open(job, file));
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
            preview.PreviewRows.Select(r => new PreviewRowView(r.RowNumber, r.LineNumber, r.Cells.ToArray(), r.Errors)).ToArray())
        {
            Unresolved = preview.Errors.Where(e => e is { Kind: Validation.RowErrorKind.Reference, Column: not null, RawValue: not null })
                .GroupBy(e => e.Column!)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(e => e.RawValue!.Trim()).Distinct()]),
        };
    }
}
