namespace BulkData.Jobs;

/// <summary>How the in-process runner runs queued jobs.</summary>
public sealed class InProcessRunnerOptions
{
    /// <summary>How many jobs run at once. Default: 2.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 256)]
    public int MaxConcurrency { get; set; } = 2;
}
