using System.ComponentModel.DataAnnotations;

namespace BulkData;

/// <summary>Options of an export.</summary>
public sealed class ExportOptions
{
    /// <summary>Rows between progress reports (and job snapshots). Default: 1,000.</summary>
    [Range(1, 1_000_000)]
    public int ProgressInterval { get; set; } = 1_000;
}
