using BulkData.Mapping;

namespace BulkData.Core.Tests.Mapping;

/// <summary>A string converter, used where a test needs a converter of the wrong type.</summary>
internal sealed class PassThrough : ValueConverter<string>
{
    public override bool TryParse(ReadOnlySpan<char> text, ValueFormat format, out string value)
    {
        value = text.ToString();
        return true;
    }

    public override string Describe(ValueFormat format) => "text";
}
