namespace BulkData.Packages;

/// <summary>
/// A data package was refused before any row was written: unsafe or damaged archive, a manifest that does not
/// match its files, or resources this application cannot import. The message says what to fix;
/// <see cref="Problem"/> and <see cref="Entry"/> say what and where for a program.
/// </summary>
public sealed class DataPackageException : ImportSourceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="entry">The archive entry or resource at fault, if one is.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The underlying cause, if any.</param>
    public DataPackageException(PackageProblem problem, string? entry, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        Entry = entry;
    }

    /// <summary>What is wrong.</summary>
    public PackageProblem Problem { get; }

    /// <summary>The archive entry or resource at fault, if one is.</summary>
    public string? Entry { get; }
}
