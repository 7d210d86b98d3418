using System.ComponentModel.DataAnnotations;
using BulkData.Resources;

namespace BulkData.Validation;

/// <summary>A lambda rule from the fluent configuration, reported against one column or the whole row.</summary>
internal sealed class LambdaRule<T>(Func<T, bool> rule, string message, string? column) : RowValidator<T>
    where T : class
{
    protected override void Validate(T item, RowContext<T> row)
    {
        if (!rule(item))
        {
            row.AddError(column, message);
        }
    }
}

/// <summary>
/// The DataAnnotations attributes on the resource's members and type, and <see cref="IValidatableObject"/>.
/// Attributes are gathered once per resource; only members that carry some are read per row.
/// </summary>
internal sealed class DataAnnotationsValidator<T> : RowValidator<T>
    where T : class
{
    private readonly IColumnBinding<T>[] annotated;
    private readonly ValidationAttribute[] typeAttributes;

    private DataAnnotationsValidator(IColumnBinding<T>[] annotated, ValidationAttribute[] typeAttributes)
    {
        this.annotated = annotated;
        this.typeAttributes = typeAttributes;
    }

    /// <summary>Creates the validator, or returns null when the type carries no annotations at all.</summary>
    public static DataAnnotationsValidator<T>? Create(IEnumerable<IColumnBinding<T>> bindings)
    {
        var annotated = bindings.Where(b => b.Attributes.Count > 0 && b.Column.IsImported).ToArray();
        var typeAttributes = typeof(T).GetCustomAttributes(typeof(ValidationAttribute), true).Cast<ValidationAttribute>().ToArray();
        return annotated.Length > 0 || typeAttributes.Length > 0 || typeof(IValidatableObject).IsAssignableFrom(typeof(T))
            ? new DataAnnotationsValidator<T>(annotated, typeAttributes)
            : null;
    }

    protected override void Validate(T item, RowContext<T> row)
    {
        var context = new ValidationContext(item);
        foreach (var binding in annotated)
        {
            if (row.ChecksOnlyFileColumns && !row.IsInFile(binding.Column.MemberName))
            {
                continue;
            }

            var value = binding.GetValue(item);
            context.MemberName = binding.Column.MemberName;
            context.DisplayName = binding.Column.Name;
            foreach (var attribute in binding.Attributes)
            {
                if (attribute.GetValidationResult(value, context) is { ErrorMessage: { } message })
                {
                    row.AddError(binding.Column.Name, message);
                }
            }
        }

        // Rules on the whole record are the target's to check on the merged record.
        if (row.ChecksOnlyFileColumns)
        {
            return;
        }

        context.MemberName = null;
        context.DisplayName = typeof(T).Name;
        foreach (var attribute in typeAttributes)
        {
            if (attribute.GetValidationResult(item, context) is { ErrorMessage: { } message })
            {
                row.AddError(null, message);
            }
        }

        if (item is IValidatableObject validatable)
        {
            foreach (var result in validatable.Validate(context))
            {
                row.AddError(result.MemberNames.FirstOrDefault(), result.ErrorMessage ?? "This row is not valid.");
            }
        }
    }
}
