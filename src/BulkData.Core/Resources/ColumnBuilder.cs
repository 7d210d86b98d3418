using System.ComponentModel.DataAnnotations;
using System.Globalization;
using BulkData.Mapping;

namespace BulkData.Resources;

/// <summary>The mutable configuration of one column while a resource is being built.</summary>
internal sealed class ColumnDraft(MemberModel member, int declarationIndex)
{
    public MemberModel Member { get; } = member;

    public string MemberName => Member.Property.Name;

    public int DeclarationIndex { get; } = declarationIndex;

    public string Name { get; set; } = member.DisplayName ?? member.Property.Name;

    public List<string> Aliases { get; } = [.. member.Aliases];

    public bool IsRequired { get; set; } = member.IsRequired;

    /// <summary>Set by <c>Required()</c>: the column must be in every file, even one that only updates records.</summary>
    public bool IsRequiredExplicitly { get; set; }

    public bool IsKey { get; set; } = member.IsKey;

    public bool IsIgnored { get; set; } = member.IsExcluded;

    public bool IsConfigured { get; set; }

    public CultureInfo? Culture { get; set; } = member.Format?.Culture is { } culture ? CultureInfo.GetCultureInfo(culture) : null;

    public List<string> Formats { get; } = [.. member.Format?.Formats ?? []];

    /// <summary>Written on export, never read on import.</summary>
    public bool ExportOnly { get; set; } = member.ExportOnly;

    /// <summary>Read on import, never written on export.</summary>
    public bool ImportOnly { get; set; } = member.ImportOnly;

    public object? Converter { get; set; }

    /// <summary>The records the column looks up (<c>LookUp</c>, or <see cref="LookUpAttribute"/>) and their natural key member, or null.</summary>
    public (Type Referenced, System.Reflection.PropertyInfo NaturalKey, bool OrCreate)? Lookup { get; set; } = member.LookUp is { } lookUp
        ? (lookUp.Referenced, lookUp.Referenced.GetProperty(lookUp.NaturalKey) ?? throw new BulkDataConfigurationException(
            member.Property.Name, $"The [LookUp] of {member.Property.Name} names {lookUp.Referenced.Name}.{lookUp.NaturalKey}, which is not a property."), lookUp.OrCreate)
        : null;

    /// <summary>The value map's labels and their values, in the order they were mapped.</summary>
    public List<(string Label, object? Value)> Labels { get; } = [];

    public int Order { get; set; } = member.Order ?? int.MaxValue;

    public int? Position { get; set; } = member.Position;

    public bool AcceptsNull => Member.AcceptsNull;

    public ValidationAttribute[] Attributes => Member.Attributes;

    /// <summary>The format in force once the resource's default culture is known.</summary>
    public ValueFormat Format { get; set; } = ValueFormat.Invariant;
}

/// <summary>Configures one column of a resource: its header, aliases, formats and converter.</summary>
public sealed class ColumnBuilder
{
    private readonly ColumnDraft draft;

    internal ColumnBuilder(ColumnDraft draft)
    {
        this.draft = draft;
    }

    /// <summary>Sets the header name used on import and export.</summary>
    /// <param name="header">The header text, e.g. <c>Unit Price</c>.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Name(string header)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        draft.Name = header;
        return this;
    }

    /// <summary>Adds other header spellings that map to this column exactly (e.g. a legacy export's names).</summary>
    /// <param name="headers">The alternative headers.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Aliases(params string[] headers)
    {
        draft.Aliases.AddRange(headers);
        return this;
    }

    /// <summary>
    /// Requires the column to be present in every file, also in files that only update existing records
    /// (a <c>[Required]</c> member's column may be left out of those: the merged record is validated instead).
    /// </summary>
    /// <param name="required">False to make a <c>[Required]</c> member's column optional.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Required(bool required = true)
    {
        draft.IsRequired = required;
        draft.IsRequiredExplicitly = required;
        return this;
    }

    /// <summary>Accepts only these exact formats (the first is used on export), e.g. <c>dd/MM/yyyy</c>.</summary>
    /// <param name="formats">.NET format strings for the member's type.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Format(params string[] formats)
    {
        draft.Formats.AddRange(formats);
        return this;
    }

    /// <summary>Reads and writes this column in a culture other than the resource's.</summary>
    /// <param name="culture">The culture, e.g. <c>CultureInfo.GetCultureInfo("de-DE")</c>.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Culture(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        draft.Culture = culture;
        return this;
    }

    /// <summary>Converts this column's values with a custom converter.</summary>
    /// <typeparam name="TValue">The member's type, or its non-nullable form.</typeparam>
    /// <param name="converter">The converter.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Converter<TValue>(ValueConverter<TValue> converter)
    {
        ArgumentNullException.ThrowIfNull(converter);
        draft.Converter = converter;
        return this;
    }

    /// <summary>
    /// Maps a label to a value: the label is read as the value (matched in the column's culture, ignoring case and
    /// accents) and the value written as its first label, e.g. <c>Map("Y", true).Map("N", false)</c> or
    /// <c>Map("In stock", Availability.InStock)</c>. A mapped value is read only from its labels; an unmapped text is a
    /// row error listing them.
    /// </summary>
    /// <typeparam name="TValue">The member's type, or its non-nullable form.</typeparam>
    /// <param name="label">The text in the file, e.g. <c>Oui</c>.</param>
    /// <param name="value">The value it stands for.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Map<TValue>(string label, TValue value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        draft.Labels.Add((label.Trim(), value));
        return this;
    }

    /// <summary>
    /// Reads the column as a reference by natural key: the file holds, say, the customer's e-mail, and the member gets the
    /// key of the <typeparamref name="TReferenced"/> record with that e-mail, e.g.
    /// <c>Column(o => o.CustomerId, c => c.LookUp&lt;Customer&gt;(x => x.Email))</c>. The values are resolved a batch at a time
    /// (one query for the batch's distinct values, through the target's transaction or the registered
    /// <see cref="Import.IReferenceResolver"/>); text matches exactly, else ignoring case. A value no record holds is a
    /// row error naming it, or, <paramref name="orCreate"/>, a new record with that natural key, created in the import's
    /// transaction and undone with it by a rollback.
    /// </summary>
    /// <typeparam name="TReferenced">The referenced records' type.</typeparam>
    /// <param name="naturalKey">The member of <typeparamref name="TReferenced"/> the file's value is, e.g. <c>x => x.Email</c>.</param>
    /// <param name="orCreate">Create the records no value finds (their other members at their defaults) instead of refusing the rows.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder LookUp<TReferenced>(System.Linq.Expressions.Expression<Func<TReferenced, object?>> naturalKey, bool orCreate = false)
        where TReferenced : class
    {
        ArgumentNullException.ThrowIfNull(naturalKey);
        if (PropertySelector.Of(naturalKey) is not { GetMethod: not null } property)
        {
            throw new BulkDataConfigurationException(draft.MemberName, $"The lookup of {draft.MemberName} must name a property of {typeof(TReferenced).Name}, like x => x.Email.");
        }

        draft.Lookup = (typeof(TReferenced), property, orCreate);
        return this;
    }

    /// <summary>Reads this column from the given position in files without a header row (0 is the first column).</summary>
    /// <param name="index">The 0-based position.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Position(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        draft.Position = index;
        return this;
    }

    /// <summary>Writes the column on export but never reads it on import (like <see cref="ExportOnlyAttribute"/>).</summary>
    /// <returns>This builder.</returns>
    public ColumnBuilder ExportOnly()
    {
        draft.ExportOnly = true;
        draft.ImportOnly = false;
        return this;
    }

    /// <summary>Reads the column on import but never writes it on export (like <see cref="ImportOnlyAttribute"/>).</summary>
    /// <returns>This builder.</returns>
    public ColumnBuilder ImportOnly()
    {
        draft.ImportOnly = true;
        draft.ExportOnly = false;
        return this;
    }

    /// <summary>Sets the column's place on export; lower comes first.</summary>
    /// <param name="order">The position.</param>
    /// <returns>This builder.</returns>
    public ColumnBuilder Order(int order)
    {
        draft.Order = order;
        return this;
    }
}
