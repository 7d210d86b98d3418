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
