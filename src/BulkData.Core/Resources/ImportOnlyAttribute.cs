namespace BulkData.Resources;

/// <summary>Reads a member on import but never writes it on export (e.g. a password-reset token).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ImportOnlyAttribute : Attribute;
