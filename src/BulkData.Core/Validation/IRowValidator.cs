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

/// <summary>A base class for validators that need no I/O: override <see cref="Validate"/>.</summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public abstract class RowValidator<T> : IRowValidator<T>
    where T : class
{
    /// <inheritdoc/>
    public ValueTask ValidateAsync(RowContext<T> row, CancellationToken cancellationToken = default)
    {
        Validate(row.Item, row);
        return ValueTask.CompletedTask;
    }

    /// <summary>Validates one row synchronously.</summary>
    /// <param name="item">The item built from the row.</param>
    /// <param name="row">The row, for its raw cells and to record errors.</param>
    protected abstract void Validate(T item, RowContext<T> row);
}
