namespace BulkData.Import;

/// <summary>What a target needs to know about the import writing to it.</summary>
/// <param name="JobId">The import's job: a target in the job store's database records its changes and checkpoint under it.</param>
/// <param name="CommitMode">All-or-nothing (one transaction) or partial (one per batch).</param>
/// <param name="ImportedMembers">The members the file has columns for: an update must set these and leave the others alone.</param>
/// <param name="KeyMembers">The members forming the resource's import key (empty when it has none).</param>
public sealed record ImportTargetContext(Guid JobId, CommitMode CommitMode, IReadOnlyList<string> ImportedMembers, IReadOnlyList<string> KeyMembers)
{
    /// <summary>The resource's importable members the file has no column for: a target that merges must validate the merged record.</summary>
    public IReadOnlyList<string> AbsentMembers { get; init; } = [];

    /// <summary>The merge strategy the import asks for (<see cref="ImportOptions.MergeStrategy"/>); null for the target's own.</summary>
    public MergeStrategy? MergeStrategy { get; init; }

    /// <summary>
    /// What the import does with a key repeated in the file (<see cref="ImportOptions.DuplicateKeys"/>). Only under
    /// <see cref="DuplicateKeyPolicy.KeepLast"/> does a key come back to the target, in a later row, to overwrite what
    /// this import wrote; a target need not remember the keys it wrote otherwise. Default: <see cref="DuplicateKeyPolicy.Error"/>.
    /// </summary>
    public DuplicateKeyPolicy DuplicateKeys { get; init; } = DuplicateKeyPolicy.Error;
}
