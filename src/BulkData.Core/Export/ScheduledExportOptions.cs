namespace BulkData.Export;

/// <summary>What a scheduled export writes, for whom, and how long its files are kept.</summary>
public sealed class ScheduledExportOptions
{
    /// <summary>The file format: <c>csv</c>, <c>xlsx</c> or <c>json</c>. Default: csv.</summary>
    public string Format { get; set; } = "csv";

    /// <summary>The stored filter, checked against the resource at registration. Default: null, every row.</summary>
    public ExportFilter? Filter { get; set; }

    /// <summary>The columns, by header or member name, in order. Default: empty, the resource's export columns.</summary>
    public IList<string> Columns { get; } = [];

    /// <summary>The owner recorded on each run's job.</summary>
    public string? Owner { get; set; }

    /// <summary>The tenant recorded on each run's job.</summary>
    public string? Tenant { get; set; }

    /// <summary>How long each run's job and file are kept. Default: 30 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The time zone the cron expression is read in. Default: UTC.</summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Utc;
}
