using Microsoft.Extensions.Logging;

namespace BulkData.Jobs;

/// <summary>The shared services every import and export job needs.</summary>
internal sealed record JobServices(IJobStore JobStore, TimeProvider Time, ILogger Logger);
