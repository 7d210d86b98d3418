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

/// <summary>
/// Thrown while BulkData is being configured (at <c>AddBulkData</c>, or when an import is set up)
/// for a mistake in the configuration itself, such as an unknown column or a duplicate resource.
/// </summary>
public sealed class BulkDataConfigurationException : BulkDataException
{
    /// <summary>Creates the exception naming the member or setting at fault.</summary>
    /// <param name="member">The member, column or setting that is wrong.</param>
    /// <param name="message">What is wrong and how to fix it.</param>
    public BulkDataConfigurationException(string member, string message)
        : base(message)
    {
        Member = member;
    }

    /// <summary>The member, column or setting that is wrong.</summary>
    public string Member { get; }

    /// <summary>
    /// Checks an options object's DataAnnotations (<c>[Range]</c>, <c>[Required]</c>, ...), as every BulkData options
    /// class is checked when it is used: the first problem is thrown, naming the option (<c>CsvSourceOptions.MaxFieldLength</c>).
    /// </summary>
    /// <typeparam name="TOptions">The options' type.</typeparam>
    /// <param name="options">The options.</param>
    /// <returns>The options, valid.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of its range or missing.</exception>
    public static TOptions ThrowIfInvalid<TOptions>(TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new System.ComponentModel.DataAnnotations.ValidationContext(options), results, validateAllProperties: true))
        {
            var name = results[0].MemberNames.FirstOrDefault() ?? options.GetType().Name;
            throw new BulkDataConfigurationException($"{options.GetType().Name}.{name}", results[0].ErrorMessage ?? $"{name} is out of range.");
        }

        return options;
    }
}

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

/// <summary>
/// Thrown when a file goes over one of the limits that protect a server from hostile or runaway input
/// (size, decompressed size and ratio, entries, shared strings, columns, rows). The message names the
/// limit and the setting that raises it; nothing is half-written.
/// </summary>
public sealed class ImportLimitExceededException : ImportSourceException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="limit">The setting holding the limit, e.g. <c>XlsxSourceOptions.MaxDecompressedBytes</c>.</param>
    /// <param name="maximum">The limit's value.</param>
    /// <param name="what">What went over it, for the message, e.g. "The workbook unpacks to more than".</param>
    /// <param name="unit">The unit of the limit, e.g. "bytes".</param>
    public ImportLimitExceededException(string limit, long maximum, string what, string unit)
        : base($"{what} {maximum:N0} {unit}, the limit set by {limit}. If the file is genuine, raise {limit}; otherwise it may be damaged or built to overload the server.")
    {
        Limit = limit;
        Maximum = maximum;
    }

    /// <summary>The setting holding the limit, e.g. <c>XlsxSourceOptions.MaxDecompressedBytes</c>.</summary>
    public string Limit { get; }

    /// <summary>The limit's value.</summary>
    public long Maximum { get; }
}
