namespace BulkData;

/// <summary>
/// The base of every exception BulkData throws. It carries as much location as is known,
/// so a message shown to a user can say where the problem is.
/// </summary>
public class BulkDataException : Exception
{
    /// <summary>Creates an exception with a message and an optional cause.</summary>
    /// <param name="message">A message a person can act on.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public BulkDataException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The job the problem belongs to, when a job was running.</summary>
    public Guid? JobId { get; init; }

    /// <summary>The 1-based data row (the header is not counted), when known.</summary>
    public long? RowNumber { get; init; }

    /// <summary>The 1-based physical line in the file, when known.</summary>
    public long? LineNumber { get; init; }

    /// <summary>The column (header) name, when known.</summary>
    public string? Column { get; init; }

    /// <summary>The raw text of the offending value, when known.</summary>
    public string? RawValue { get; init; }
}
