using System.Text.Json;
using BulkData.Jobs;

namespace BulkData.Export;

/// <summary>
/// What a queued export carries in its job so that any process can run it (its filter and columns as
/// parameters), and where its file goes.
/// </summary>
internal static class QueuedExport
{
    /// <summary>The parameter holding the stored filter, as JSON.</summary>
    public const string FilterParameter = "filter";

    /// <summary>The parameter holding the chosen columns, as a JSON array.</summary>
    public const string ColumnsParameter = "exportColumns";

    /// <summary>The parameter naming the exported file in the file store, once the job completed.</summary>
    public const string OutputParameter = "output";

    /// <summary>The parameter naming the scheduled export that queued the job.</summary>
    public const string ScheduleParameter = "schedule";

    /// <summary>The parameter holding the tick a scheduled run was due at (ISO 8601).</summary>
    public const string DueAtParameter = "dueAt";

    /// <summary>Sets up an operation as the queued job describes it.</summary>
    public static ExportOperation<T> Restore<T>(ExportOperation<T> operation, Job job)
        where T : class
    {
        operation = operation.OwnedBy(job.Owner, job.Tenant);
        if (job.Parameters.TryGetValue(ColumnsParameter, out var columns))
        {
            operation = operation.Columns(JsonSerializer.Deserialize<string[]>(columns) ?? []);
        }

        return job.Parameters.TryGetValue(FilterParameter, out var filter) ? operation.Where(ExportFilter.FromJson(filter)) : operation;
    }
}
