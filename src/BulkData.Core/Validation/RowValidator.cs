namespace BulkData.Validation;

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
