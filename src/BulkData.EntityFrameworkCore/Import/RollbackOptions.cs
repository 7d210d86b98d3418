using System.ComponentModel.DataAnnotations;

namespace BulkData.EntityFrameworkCore.Import;

/// <summary>How rollbacks behave.</summary>
public sealed class RollbackOptions
{
    /// <summary>How long after it completed an import can be rolled back. Default: 24 hours.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "3650.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);
}
