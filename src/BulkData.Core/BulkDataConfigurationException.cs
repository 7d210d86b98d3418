namespace BulkData;

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
