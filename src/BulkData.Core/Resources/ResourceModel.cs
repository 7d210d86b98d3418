using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.Linq.Expressions;
using System.Reflection;

namespace BulkData.Resources;

/// <summary>What reflection says about one public property, with its compiled accessors.</summary>
internal sealed record MemberModel(
    PropertyInfo Property,
    Delegate Getter,
    Delegate? Setter,
    bool AcceptsNull,
    bool IsExcluded,
    bool IsKey,
    bool IsRequired,
    string? DisplayName,
    int? Order,
    int? Position,
    ValidationAttribute[] Attributes)
{
    /// <summary>Other header spellings from <see cref="HeaderAttribute.Aliases"/>.</summary>
    public string[] Aliases { get; init; } = [];

    /// <summary>The <see cref="FormatAttribute"/>, when the member has one.</summary>
    public FormatAttribute? Format { get; init; }

    /// <summary>True with <see cref="ExportOnlyAttribute"/>.</summary>
    public bool ExportOnly { get; init; }

    /// <summary>True with <see cref="ImportOnlyAttribute"/>.</summary>
    public bool ImportOnly { get; init; }

    /// <summary>The <see cref="LookUpAttribute"/>, when the member has one.</summary>
    public LookUpAttribute? LookUp { get; init; }
}

/// <summary>
/// Reflects over <typeparamref name="T"/> once per process (the CLR runs the static initialiser
/// once, thread-safely) and compiles its accessors, so no resource pays for reflection twice.
/// </summary>
internal static class ResourceModel<T>
    where T : class
{
    public static IReadOnlyList<MemberModel> Members { get; } = Reflect();

    public static Func<T>? Constructor { get; } = typeof(T).GetConstructor(Type.EmptyTypes) is { } ctor
        ? Expression.Lambda<Func<T>>(Expression.New(ctor)).Compile()
        : null;

    private static MemberModel[] Reflect()
    {
        var nullability = new NullabilityInfoContext();
        return typeof(T)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true })
            .OrderBy(p => p.MetadataToken)
            .Select(p => Describe(p, nullability))
            .ToArray();
    }

    private static MemberModel Describe(PropertyInfo property, NullabilityInfoContext nullability)
    {
        var item = Expression.Parameter(typeof(T), "item");
        var value = Expression.Parameter(property.PropertyType, "value");
        var access = Expression.Property(item, property);
        var getter = Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(T), property.PropertyType), access, item).Compile();
        var setter = property.SetMethod is { IsPublic: true }
            ? Expression.Lambda(typeof(Action<,>).MakeGenericType(typeof(T), property.PropertyType), Expression.Assign(access, value), item, value).Compile()
            : null;

        var acceptsNull = property.PropertyType.IsValueType
            ? Nullable.GetUnderlyingType(property.PropertyType) is not null
            : nullability.Create(property).WriteState != NullabilityState.NotNull;

        // The header comes from BulkData's [Header], else DataAnnotations' [Display]: EF Core's [Column] names a
        // database column, which is not what a spreadsheet's user reads.
        var display = property.GetCustomAttribute<DisplayAttribute>();
        var header = property.GetCustomAttribute<HeaderAttribute>();
        return new MemberModel(
            property,
            getter,
            setter,
            acceptsNull,
            IsExcluded: property.IsDefined(typeof(NotMappedAttribute)) || property.IsDefined(typeof(SensitiveAttribute)),
            IsKey: property.IsDefined(typeof(KeyAttribute)),
            IsRequired: property.IsDefined(typeof(RequiredAttribute)),
            DisplayName: header?.Name ?? display?.GetName(),
            Order: header is { Order: >= 0 } ? header.Order : display?.GetOrder(),
            Position: property.GetCustomAttribute<PositionAttribute>()?.Index,
            Attributes: property.GetCustomAttributes<ValidationAttribute>(true).ToArray())
        {
            Aliases = header?.Aliases ?? [],
            Format = property.GetCustomAttribute<FormatAttribute>(),
            ExportOnly = property.IsDefined(typeof(ExportOnlyAttribute)),
            ImportOnly = property.IsDefined(typeof(ImportOnlyAttribute)),
            LookUp = property.GetCustomAttribute<LookUpAttribute>(),
        };
    }
}
