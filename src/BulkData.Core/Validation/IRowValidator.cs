namespace BulkData.Validation;

/// <summary>
/// Checks an imported row after its values are converted. Report problems with
/// <see cref="RowContext{T}.AddError(string?, string)"/>; throw only for broken configuration or I/O.
/// Register validators on the resource or through <c>AddValidator</c> in <c>AddBulkData</c>.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public interface IRowValidator<T>
    where T : class
{
    /// <summary>Validates one row.</summary>
    /// <param name="row">The row, with its item, raw cells and location.</param>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>A task that completes when the row is checked.</returns>
    ValueTask ValidateAsync(RowContext<T> row, CancellationToken cancellationToken = default);
}
