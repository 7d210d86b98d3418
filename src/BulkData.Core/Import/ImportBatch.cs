namespace BulkData.Import;

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
