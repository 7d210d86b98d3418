namespace BulkData.Resources;

/// <summary>
/// Reads a member holding another record's key from that record's natural key, as <see cref="ColumnBuilder.LookUp{TReferenced}"/>
/// does: <c>[LookUp(typeof(Customer), nameof(Customer.Email))] public int CustomerId { get; set; }</c>.
/// </summary>
/// <param name="referenced">The referenced records' type.</param>
/// <param name="naturalKey">The name of its member the file's value is.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class LookUpAttribute(Type referenced, string naturalKey) : Attribute
{
    /// <summary>The referenced records' type.</summary>
    public Type Referenced { get; } = referenced;

    /// <summary>The name of the referenced type's member the file's value is.</summary>
    public string NaturalKey { get; } = naturalKey;

    /// <summary>Create the records no value finds instead of refusing the rows.</summary>
    public bool OrCreate { get; init; }
}
