using BulkData.Import;
using BulkData.Jobs;
using BulkData.Mapping;

namespace BulkData;

/// <summary>A preview: the result of validating the first rows, with the items they produced.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ImportPreview<T> : ImportResult
    where T : class
{
    internal ImportPreview(Job job, ColumnMapping? mapping, IReadOnlyList<RowOutcome> rows, IReadOnlyList<PreviewRow<T>> previewRows)
        : base(job, mapping, rows)
    {
        PreviewRows = previewRows;
    }

    /// <summary>The rows read, with their items and errors.</summary>
    public IReadOnlyList<PreviewRow<T>> PreviewRows { get; }
}
