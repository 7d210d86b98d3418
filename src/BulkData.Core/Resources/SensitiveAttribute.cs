namespace BulkData.Resources;

/// <summary>
/// Marks a member that must never be imported or exported (password hashes, tokens, internal notes).
/// <c>[NotMapped]</c> has the same effect; the fluent <c>Ignore</c> does it per resource.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field, Inherited = true)]
public sealed class SensitiveAttribute : Attribute
{
}
