using BulkData.Jobs;
using BulkData.Validation;
namespace BulkData.Import;

/// <summary>
/// Where committed rows go: a collection, a database table, a service. A target hands out
/// transactions so that an all-or-nothing import can write batch by batch and still leave the
/// target untouched when it fails.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public interface IImportTarget<T>
    where T : class
{
    /// <summary>Starts a unit of work. All-or-nothing imports use one; partial imports use one per batch.</summary>
    /// <param name="context">The job, commit mode, and which members the file sets.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The transaction.</returns>
    ValueTask<IImportTransaction<T>> BeginAsync(ImportTargetContext context, CancellationToken cancellationToken = default);

    /// <summary>
    /// True when the target merges rows into existing records, setting only the members a row sets, and
    /// validates each merged record itself (e.g. an upsert into a database). A file may then leave out a
    /// <c>[Required]</c> member's column, and the member's attributes are not checked on the row, whose
    /// value for it is only a default. Default: false, every row is validated as a whole new record.
    /// </summary>
    bool ValidatesMergedRecords => false;
}

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

/// <summary>A unit of work on a target. Disposing it without <see cref="CommitAsync"/> discards everything written.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public interface IImportTransaction<T> : IAsyncDisposable
    where T : class
{
    /// <summary>
    /// Writes a batch of valid items. Set each row's outcome on the batch when it is not
    /// <see cref="RowOutcomeKind.Created"/>. The batch is reused after the call returns: copy what you keep.
    /// </summary>
    /// <param name="batch">The items with their row numbers.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the batch is written.</returns>
    ValueTask WriteAsync(ImportBatch<T> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes everything written in this transaction permanent. A target in the job store's database records
    /// <paramref name="progress"/> on the job in the same transaction, so that a partial import resumed after a
    /// crash starts after the last committed row with counts that include it.
    /// </summary>
    /// <param name="progress">The job's checkpoint and counts as they stand once this commit is done.</param>
    /// <param name="cancellationToken">Cancels the commit.</param>
    /// <returns>A task that completes when the transaction is committed.</returns>
    ValueTask CommitAsync(ImportProgress progress, CancellationToken cancellationToken = default);
}

/// <summary>An import's state once a transaction commits: where a resumed import starts, and what it had done.</summary>
/// <param name="LastRow">The last data row read: every row up to it is committed or was reported invalid.</param>
/// <param name="Counts">The job's counts, this commit's rows included.</param>
/// <param name="ErrorCount">Every row error found so far.</param>
/// <param name="Errors">The errors kept on the job so far.</param>
public sealed record ImportProgress(long LastRow, JobCounts Counts, long ErrorCount, IReadOnlyList<RowError> Errors);

/// <summary>What became of one row.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<RowOutcomeKind>))]
public enum RowOutcomeKind
{
    /// <summary>Valid, but not written (a preview, a dry run, or an all-or-nothing import that failed).</summary>
    Valid,

    /// <summary>Had errors; not written.</summary>
    Invalid,

    /// <summary>Written as a new record.</summary>
    Created,

    /// <summary>Written over an existing record.</summary>
    Updated,

    /// <summary>Not written because the target chose to keep an existing record.</summary>
    Skipped,

    /// <summary>Not written because the record already held the same values.</summary>
    Unchanged,
}

/// <summary>What became of one row, and where it was.</summary>
/// <param name="RowNumber">The 1-based data row.</param>
/// <param name="LineNumber">The 1-based line where it starts.</param>
/// <param name="Kind">What became of it.</param>
public readonly record struct RowOutcome(long RowNumber, long LineNumber, RowOutcomeKind Kind);

/// <summary>A batch of valid items on their way to a target, with the rows they came from.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ImportBatch<T>
    where T : class
{
    private readonly List<T> items;
    private readonly List<long> rowNumbers;
    private readonly List<RowOutcomeKind> outcomes;
    private readonly List<long> lineNumbers;
    private readonly List<IReadOnlyList<string>> members;
    private readonly Dictionary<int, (string? Column, string Message)> rejections = [];

    internal ImportBatch(int capacity)
    {
        items = new List<T>(capacity);
        rowNumbers = new List<long>(capacity);
        lineNumbers = new List<long>(capacity);
        outcomes = new List<RowOutcomeKind>(capacity);
        members = new List<IReadOnlyList<string>>(capacity);
    }

    /// <summary>The items, in file order.</summary>
    public IReadOnlyList<T> Items => items;

    /// <summary>How many items the batch holds.</summary>
    public int Count => items.Count;

    /// <summary>
    /// The last data row read before this batch was written: every row up to it is in this batch, in an
    /// earlier one, or was reported invalid. A target that records a checkpoint records this row, so that a
    /// resumed import starts after it.
    /// </summary>
    public long LastRowRead { get; internal set; }

    /// <summary>The data row an item came from.</summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <returns>The 1-based data row.</returns>
    public long RowNumberAt(int index) => rowNumbers[index];

    /// <summary>The line (or spreadsheet row) an item came from.</summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <returns>The 1-based line.</returns>
    public long LineNumberAt(int index) => lineNumbers[index];

    /// <summary>
    /// The members an item's row sets: those the file has columns for, plus those the resource's
    /// <c>BeforeRow</c>/<c>AfterRow</c> hooks set on it. An update writes these and leaves the others alone.
    /// </summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <returns>The member names.</returns>
    public IReadOnlyList<string> MembersSetAt(int index) => members[index];

    /// <summary>Gets what the target did with an item (default <see cref="RowOutcomeKind.Created"/>).</summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <returns>The outcome.</returns>
    public RowOutcomeKind OutcomeAt(int index) => outcomes[index];

    /// <summary>Says what the target did with an item.</summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <param name="outcome">Created, Updated, Skipped or Unchanged.</param>
    public void SetOutcome(int index, RowOutcomeKind outcome)
    {
        if (outcome is RowOutcomeKind.Valid or RowOutcomeKind.Invalid)
        {
            throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "A target sets Created, Updated, Skipped or Unchanged; use Reject for a row it refuses.");
        }

        outcomes[index] = outcome;
    }

    /// <summary>
    /// Refuses an item, as an error on its row (e.g. its key exists and the merge strategy fails on conflict).
    /// The target must not write it. All-or-nothing, one refusal fails the whole import.
    /// </summary>
    /// <param name="index">The item's index in the batch.</param>
    /// <param name="column">The column at fault, if one is.</param>
    /// <param name="message">A message a non-programmer can act on.</param>
    public void Reject(int index, string? column, string message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        outcomes[index] = RowOutcomeKind.Invalid;
        rejections[index] = (column, message);
    }

    internal (string? Column, string Message) RejectionAt(int index) => rejections[index];

    internal void Add(T item, long rowNumber, long lineNumber, IReadOnlyList<string> membersSet)
    {
        items.Add(item);
        rowNumbers.Add(rowNumber);
        lineNumbers.Add(lineNumber);
        outcomes.Add(RowOutcomeKind.Created);
        members.Add(membersSet);
    }

    internal void Clear()
    {
        items.Clear();
        rowNumbers.Clear();
        lineNumbers.Clear();
        outcomes.Clear();
        members.Clear();
        rejections.Clear();
    }
}
