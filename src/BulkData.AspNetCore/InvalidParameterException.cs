namespace BulkData.AspNetCore;

/// <summary>A query parameter the API refuses as given: answered 400, naming it and what it accepts.</summary>
/// <param name="name">The parameter.</param>
/// <param name="value">The value sent.</param>
/// <param name="accepted">What the parameter accepts, in words.</param>
internal sealed class InvalidParameterException(string name, string value, string accepted)
    : Exception($"'{value}' is not a value of {name}: use {accepted}.")
{
    /// <summary>The parameter.</summary>
    public string Name { get; } = name;
}
