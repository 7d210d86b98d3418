namespace BulkData.AspNetCore;

/// <summary>An upload to queue, as the endpoint read it from the request.</summary>
internal sealed record ImportRequest(Jobs.JobScope Scope, string? Actor, string FileName, CommitMode? CommitMode, MergeStrategy? MergeStrategy, System.Globalization.CultureInfo? Culture, IReadOnlyDictionary<string, string> Parameters);
