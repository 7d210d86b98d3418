using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace BulkData.AspNetCore;

/// <summary>
/// Reads every query parameter of the API the same strict way: a value is taken as the caller meant it or refused
/// (<see cref="InvalidParameterException"/>, a 400 naming it), never guessed or silently replaced by a default.
/// An empty value counts as absent.
/// </summary>
internal static class QueryParameters
{
    /// <summary>The parameter's text; null when absent or empty.</summary>
    /// <exception cref="InvalidParameterException">The parameter is given more than once.</exception>
    public static string? Text(IQueryCollection query, string name)
    {
        var values = query[name];
        if (values.Count > 1)
        {
            throw new InvalidParameterException(name, string.Join(",", values.ToArray()), "one value");
        }

        return string.IsNullOrEmpty(values.ToString()) ? null : values.ToString();
    }

    /// <summary>An enum member by its name, in any case; numbers are refused, as they would name a member by accident.</summary>
    public static TEnum? Enum<TEnum>(IQueryCollection query, string name)
        where TEnum : struct, Enum
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        var names = System.Enum.GetNames<TEnum>();
        return names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase)) is { } member
            ? System.Enum.Parse<TEnum>(member)
            : throw new InvalidParameterException(name, text, string.Join(", ", names));
    }

    /// <summary>A boolean as .NET and JavaScript write it: true or false in any case, or 1 or 0.</summary>
    public static bool? Boolean(IQueryCollection query, string name) => Text(query, name) switch
    {
        null => null,
        "1" => true,
        "0" => false,
        var text when bool.TryParse(text, out var value) => value,
        var text => throw new InvalidParameterException(name, text, "true or false"),
    };

    /// <summary>A whole number within a range.</summary>
    public static int? Integer(IQueryCollection query, string name, int min, int max) => Text(query, name) switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max => value,
        var text => throw new InvalidParameterException(name, text, $"a whole number from {min:N0} to {max:N0}"),
    };

    /// <summary>A point in time in ISO 8601 (e.g. <c>2026-01-31T00:00:00Z</c>).</summary>
    public static DateTimeOffset? Time(IQueryCollection query, string name) => Text(query, name) switch
    {
        null => null,
        var text when DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value) => value,
        var text => throw new InvalidParameterException(name, text, "an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z"),
    };
}
