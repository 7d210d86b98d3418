namespace BulkData.Resources;

/// <summary>Writes a member on export but never reads it on import (e.g. a total the application computes).</summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class ExportOnlyAttribute : Attribute;
