namespace BulkData.Jobs;

/// <summary>A file kept for a job, with what proves it unchanged.</summary>
/// <param name="Id">The file's id in its store.</param>
/// <param name="Name">The name it was uploaded with.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="Sha256">Its SHA-256 hash, as lower-case hex.</param>
/// <param name="StoredAt">When it was stored.</param>
public sealed record StoredFile(Guid Id, string Name, long Length, string Sha256, DateTimeOffset StoredAt);
