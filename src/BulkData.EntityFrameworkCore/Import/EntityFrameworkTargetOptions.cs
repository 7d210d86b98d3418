namespace BulkData.EntityFrameworkCore.Import;

/// <summary>How rows are written to the database.</summary>
public sealed class EntityFrameworkTargetOptions
{
    /// <summary>What happens to a row whose key exists, unless the import asks for another (<see cref="ImportOptions.MergeStrategy"/>). Default: <see cref="MergeStrategy.FailOnConflict"/>.</summary>
    public MergeStrategy MergeStrategy { get; set; } = MergeStrategy.FailOnConflict;

    /// <summary>Leaves a record whose imported values are all unchanged alone, reported as unchanged. Default: true.</summary>
    public bool SkipUnchanged { get; set; } = true;

    /// <summary>
    /// Inserts a batch's new records with the database's bulk path (e.g. <c>NpgsqlCopyInserter</c>) instead of
    /// INSERT statements. Default: null, EF Core inserts them.
    /// </summary>
    public IBulkInserter? BulkInserter { get; set; }

    /// <summary>The fewest new records in a batch for which <see cref="BulkInserter"/> is used. Default: 100.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int BulkInsertThreshold { get; set; } = 100;

    /// <summary>These options with another merge strategy, every other option kept.</summary>
    internal EntityFrameworkTargetOptions WithMergeStrategy(MergeStrategy strategy)
    {
        var copy = (EntityFrameworkTargetOptions)MemberwiseClone();
        copy.MergeStrategy = strategy;
        return copy;
    }
}
