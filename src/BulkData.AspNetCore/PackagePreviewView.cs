namespace BulkData.AspNetCore;

/// <summary>What a queued data package would do (or did), per resource, and its errors, each naming its resource.</summary>
/// <param name="Status">Validated when every row of every resource would import; ValidationFailed or Failed otherwise.</param>
/// <param name="FailureReason">Why it failed, when it did (a refused package says what was wrong with it).</param>
/// <param name="Resources">Per resource, in import order: rows new, updated, unchanged and failing, and references that do not resolve.</param>
/// <param name="Errors">The errors, each message starting with its resource's name.</param>
public sealed record PackagePreviewView(Jobs.JobStatus Status, string? FailureReason, IReadOnlyList<PackageResourceView> Resources, IReadOnlyList<Validation.RowError> Errors)
{
    internal static PackagePreviewView Of(Jobs.Job job) => new(
        job.Status,
        job.FailureReason,
        job.Parameters.TryGetValue("resources", out var json)
            ? System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, PackageResourceView>>(json)!.Select(r => r.Value with { Name = r.Key }).ToArray()
            : [],
        job.Errors);
}
