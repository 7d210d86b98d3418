using Microsoft.Extensions.Logging;

namespace BulkData.Jobs;

/// <summary>The shared services every import and export job needs; the file store and queue when a runner is registered; the lookups' resolver when one is.</summary>
internal sealed record JobServices(IJobStore JobStore, TimeProvider Time, ILogger Logger, Formats.FileFormats Formats, IFileStore? Files = null, IJobRunner? Runner = null, Mapping.IMappingStore? Mappings = null, Import.IReferenceResolver? References = null);
