namespace BulkData.Import;

/// <summary>What became of one row, and where it was.</summary>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="LineNumber">The 1-based line where it starts.</param>
/// <param name="Kind">What became of it.</param>
public readonly record struct RowOutcome(long RowNumber, long LineNumber, RowOutcomeKind Kind);
