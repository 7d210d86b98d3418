namespace BulkData;

/// <summary>
/// Thrown by an <see cref="Sources.IImportSource"/> when a file cannot be read any further
/// (corrupt, not the expected format, a value over a size limit). The import records it as a
/// file-level error on the job; nothing is half-written.
/// </summary>
public class ImportSourceException : BulkDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the file and how to fix it.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public ImportSourceException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
