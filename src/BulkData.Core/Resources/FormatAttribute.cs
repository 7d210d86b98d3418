namespace BulkData.Resources;

/// <summary>Reads and writes a member's column in exact formats (the first is used on export), and optionally a culture.</summary>
/// <param name="formats">.NET format strings for the member's type, e.g. <c>dd.MM.yyyy</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class FormatAttribute(params string[] formats) : Attribute
{
    /// <summary>The formats.</summary>
    public IReadOnlyList<string> Formats { get; } = formats;

    /// <summary>The culture's name (e.g. <c>de-DE</c>) the column is read and written in; null for the resource's.</summary>
    public string? Culture { get; init; }
}
