using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using BulkData.Import;
using BulkData.Mapping;
using BulkData.Validation;

namespace BulkData.Resources;

/// <summary>
/// The fluent configuration of a resource: its key, columns, ignored members, culture, converters,
/// rules and computed export columns. Mistakes (an unknown member, two columns with one header)
/// throw <see cref="BulkDataConfigurationException"/> when the resource is built, naming the member.
/// </summary>
/// <typeparam name="T">The resource's item type.</typeparam>
public sealed class ResourceBuilder<T>
    where T : class
{
    private readonly List<ColumnDraft> drafts;
    private readonly Dictionary<Type, object> typeConverters = [];
    private readonly List<Func<ValueFormat, IColumnBinding<T>>> computed = [];
    private readonly List<IRowValidator<T>> validators = [];
    private readonly List<ResourceReference> references = [];
    private readonly List<string> attachments = [];
    private bool keysDeclared;
    private string name;
    private CultureInfo culture = CultureInfo.InvariantCulture;

    internal ResourceBuilder(string defaultName)
    {
        name = defaultName;
        drafts = ResourceModel<T>.Members.Select((m, i) => new ColumnDraft(m, i)).ToList();
    }

    /// <summary>Names the resource (the default is the type's name). Names are unique per application.</summary>
    /// <param name="resourceName">The name shown in jobs and used to look the resource up.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Name(string resourceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        name = resourceName;
        return this;
    }

    /// <summary>Sets the import key (replacing any <c>[Key]</c> attributes); call again to add members to a composite key.</summary>
    /// <typeparam name="TValue">The member's type.</typeparam>
    /// <param name="member">The member, e.g. <c>p =&gt; p.Sku</c>.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Key<TValue>(Expression<Func<T, TValue>> member) => Key(MemberName(member));

    /// <summary>Sets the import key by member name (replacing any <c>[Key]</c> attributes).</summary>
    /// <param name="members">The member names forming the key.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Key(params string[] members)
    {
        if (!keysDeclared)
        {
            drafts.ForEach(d => d.IsKey = false);
            keysDeclared = true;
        }

        foreach (var member in members)
        {
            Draft(member).IsKey = true;
        }

        return this;
    }

    /// <summary>Configures the column of a member.</summary>
    /// <typeparam name="TValue">The member's type.</typeparam>
    /// <param name="member">The member, e.g. <c>p =&gt; p.UnitPrice</c>.</param>
    /// <param name="configure">Sets the header, aliases, formats or converter.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Column<TValue>(Expression<Func<T, TValue>> member, Action<ColumnBuilder> configure) =>
        Column(MemberName(member), configure);

    /// <summary>Configures the column of a member by name.</summary>
    /// <param name="member">The member's name.</param>
    /// <param name="configure">Sets the header, aliases, formats or converter.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Column(string member, Action<ColumnBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var draft = Draft(member);
        draft.IsConfigured = true;
        configure(new ColumnBuilder(draft));
        return this;
    }

    /// <summary>Never imports or exports a member.</summary>
    /// <typeparam name="TValue">The member's type.</typeparam>
    /// <param name="member">The member, e.g. <c>p =&gt; p.InternalNotes</c>.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Ignore<TValue>(Expression<Func<T, TValue>> member) => Ignore(MemberName(member));

    /// <summary>Never imports or exports the named members.</summary>
    /// <param name="members">The member names.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Ignore(params string[] members)
    {
        foreach (var member in members)
        {
            Draft(member).IsIgnored = true;
        }

        return this;
    }

    /// <summary>Reads and writes every column in this culture unless a column says otherwise (default: invariant).</summary>
    /// <param name="resourceCulture">The culture.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Culture(CultureInfo resourceCulture)
    {
        ArgumentNullException.ThrowIfNull(resourceCulture);
        culture = resourceCulture;
        return this;
    }

    /// <summary>Converts every member of type <typeparamref name="TValue"/> (and its nullable form) with this converter.</summary>
    /// <typeparam name="TValue">The type the converter handles.</typeparam>
    /// <param name="converter">The converter.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Converter<TValue>(ValueConverter<TValue> converter)
    {
        ArgumentNullException.ThrowIfNull(converter);
        typeConverters[typeof(TValue)] = converter;
        return this;
    }

    /// <summary>
    /// Adds a rule every row must pass. When the rule reads exactly one member, its error is
    /// reported against that member's column; otherwise against the row.
    /// </summary>
    /// <param name="rule">The rule, e.g. <c>p =&gt; p.UnitPrice &gt;= 0</c>.</param>
    /// <param name="message">The message shown when the rule fails.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Rule(Expression<Func<T, bool>> rule, string message)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        var members = MemberReads.Of(rule);
        validators.Add(new LambdaRule<T>(rule.Compile(), message, members.Count == 1 ? members[0] : null));
        return this;
    }

    /// <summary>Adds a rule on one member's value, reported against its column.</summary>
    /// <typeparam name="TValue">The member's type.</typeparam>
    /// <param name="member">The member, e.g. <c>p =&gt; p.Email</c>.</param>
    /// <param name="rule">The rule on the value.</param>
    /// <param name="message">The message shown when the rule fails.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Rule<TValue>(Expression<Func<T, TValue>> member, Func<TValue, bool> rule, string message)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentException.ThrowIfNullOrWhiteSpace(message);
        var memberName = MemberName(member);
        Draft(memberName);
        var read = member.Compile();
        validators.Add(new LambdaRule<T>(item => rule(read(item)), message, memberName));
        return this;
    }

    /// <summary>Adds a validator instance to this resource (validators registered in DI are added too).</summary>
    /// <param name="validator">The validator.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Validator(IRowValidator<T> validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        validators.Add(validator);
        return this;
    }

    /// <summary>
    /// Says that a member holds the id of a <typeparamref name="TParent"/> record (a foreign key). Data packages
    /// carry the parent's import key in its place, so relations survive a move to a database whose ids differ:
    /// on import the key is looked up among the package's rows and the target's records and its id set here.
    /// </summary>
    /// <typeparam name="TParent">The referenced resource's item type; its import key must be one member.</typeparam>
    /// <typeparam name="TId">The id's type.</typeparam>
    /// <param name="member">The member holding the parent's id, e.g. <c>t =&gt; t.AccountId</c>.</param>
    /// <param name="parentId">The parent's id member, e.g. <c>a =&gt; a.Id</c>.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> References<TParent, TId>(Expression<Func<T, TId>> member, Expression<Func<TParent, TId>> parentId)
        where TParent : class
    {
        var name = MemberName(member);
        Draft(name);
        ArgumentNullException.ThrowIfNull(parentId);
        var idMember = PropertySelector.Of(parentId)
            ?? throw new BulkDataConfigurationException(parentId.ToString(), $"'{parentId}' must select a property of {typeof(TParent).Name} directly, like a => a.Id.");
        references.RemoveAll(r => r.MemberName == name);
        references.Add(new ResourceReference(name, typeof(TParent), idMember, static registry => registry.Get<TParent>()));
        return this;
    }

    /// <summary>
    /// Says that a member holds the id of a file in the application's <c>IFileStore</c> (a <see cref="Guid"/>):
    /// data packages carry the file itself beside the rows, and an import stores it and sets the new id here.
    /// </summary>
    /// <param name="member">The member, e.g. <c>d =&gt; d.FileId</c>.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Attachment(Expression<Func<T, Guid?>> member) => Attachment(MemberName(member));

    /// <inheritdoc cref="Attachment(Expression{Func{T, Guid?}})"/>
    public ResourceBuilder<T> Attachment(Expression<Func<T, Guid>> member) => Attachment(MemberName(member));

    private ResourceBuilder<T> Attachment(string member)
    {
        Draft(member);
        if (!attachments.Contains(member))
        {
            attachments.Add(member);
        }

        return this;
    }

    /// <summary>Adds an export-only column computed from the whole item.</summary>
    /// <typeparam name="TValue">The computed value's type.</typeparam>
    /// <param name="header">The column's header.</param>
    /// <param name="compute">Computes the value.</param>
    /// <param name="order">The column's place on export.</param>
    /// <returns>This builder.</returns>
    public ResourceBuilder<T> Computed<TValue>(string header, Func<T, TValue> compute, int order = int.MaxValue)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentNullException.ThrowIfNull(compute);
        computed.Add(format => new ComputedColumn<T, TValue>(
            header,
            order,
            compute,
            ResolveConverter<TValue>(header, null) ?? throw new BulkDataConfigurationException(header, $"The computed column '{header}' has type {typeof(TValue).Name}, which BulkData cannot format. Register a converter for it with Converter<{typeof(TValue).Name}>(...)."),
            format));
        return this;
    }

    internal ResourceDefinition<T> Build()
    {
        var columns = new List<IColumnBinding<T>>();
        foreach (var draft in drafts.Where(d => !d.IsIgnored))
        {
            draft.Format = new ValueFormat(draft.Culture ?? culture, draft.Formats);
            var column = (IColumnBinding<T>?)CreateColumnMethod.MakeGenericMethod(draft.Member.Property.PropertyType).Invoke(this, BindingFlags.DoNotWrapExceptions, null, [draft], null);
            if (column is not null)
            {
                columns.Add(column);
            }
            else if (draft.IsKey || draft.IsConfigured)
            {
                throw new BulkDataConfigurationException(
                    Qualified(draft.MemberName),
                    $"{Qualified(draft.MemberName)} has type {draft.Member.Property.PropertyType.Name}, which BulkData cannot convert. Register a converter for it with Converter<...>(...).");
            }
        }

        foreach (var ignoredKey in drafts.Where(d => d.IsIgnored && d.IsKey))
        {
            throw new BulkDataConfigurationException(Qualified(ignoredKey.MemberName), $"{Qualified(ignoredKey.MemberName)} is part of the key but is ignored or sensitive; a key column must be imported.");
        }

        var resourceFormat = new ValueFormat(culture);
        var exportColumns = columns.Where(c => c.Column.IsExported).Concat(computed.Select(create => create(resourceFormat)))
            .Select((c, i) => (Column: c, Index: i))
            .OrderBy(c => c.Column.Column.Order)
            .ThenBy(c => c.Index)
            .Select(c => c.Column)
            .ToArray();
        RejectDuplicateHeaders(exportColumns);
        if (columns.Select(c => c.Column).Where(c => c.Position is not null).GroupBy(c => c.Position).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new BulkDataConfigurationException(
                Qualified(shared.Last().MemberName),
                $"{string.Join(" and ", shared.Select(c => Qualified(c.MemberName)))} both read position {shared.Key}. Give each column its own Position.");
        }


        var allValidators = new List<IRowValidator<T>>();
        if (DataAnnotationsValidator<T>.Create(columns) is { } annotations)
        {
            allValidators.Add(annotations);
        }

        allValidators.AddRange(validators);
        foreach (var member in references.Select(r => r.MemberName).Concat(attachments))
        {
            if (!columns.Any(c => c.Column.MemberName == member && c.Column.IsImported))
            {
                throw new BulkDataConfigurationException(Qualified(member), $"{Qualified(member)} is a reference or an attachment, so it must be an imported column: do not ignore it.");
            }
        }

        return new ResourceDefinition<T>(name, columns.ToArray(), exportColumns, allValidators.ToArray(), culture)
        {
            References = references.ToArray(),
            Attachments = attachments.ToArray(),
        };
    }

    private static readonly MethodInfo CreateColumnMethod =
        typeof(ResourceBuilder<T>).GetMethod(nameof(CreateColumn), BindingFlags.NonPublic | BindingFlags.Instance)!;

    private MemberColumn<T, TValue>? CreateColumn<TValue>(ColumnDraft draft)
    {
        var converter = ResolveConverter<TValue>(Qualified(draft.MemberName), draft.Converter);
        if (converter is not null && draft.Labels.Count > 0)
        {
            converter = new MappedValueConverter<TValue>([.. draft.Labels.Select(l => Labelled<TValue>(draft, l.Label, l.Value))], converter);
        }

        if (converter is not null && draft.Lookup is ({ } referenced, { } naturalKey, var orCreate))
        {
            // The lookup is typed by its natural key's type, known here.
            var lookup = (ReferenceLookup)Activator.CreateInstance(typeof(ReferenceLookup<,>).MakeGenericType(referenced, naturalKey.PropertyType), naturalKey.Name, orCreate)!;
            converter = new LookupConverter<TValue>(lookup, converter);
        }

        return converter is null
            ? null
            : new MemberColumn<T, TValue>(draft, (Func<T, TValue>)draft.Member.Getter, (Action<T, TValue>?)draft.Member.Setter, converter);
    }

    private static KeyValuePair<string, TValue> Labelled<TValue>(ColumnDraft draft, string label, object? value) => value is TValue typed
        ? new(label, typed)
        : throw new BulkDataConfigurationException(Qualified(draft.MemberName), $"The label '{label}' of {Qualified(draft.MemberName)} maps to a {value?.GetType().Name ?? "null"}, not a {typeof(TValue).Name}.");

    /// <summary>The column's own converter, else the resource's for the type, else the built-in one; lifted to nullable as needed.</summary>
    private ValueConverter<TValue>? ResolveConverter<TValue>(string member, object? configured)
    {
        var underlying = Nullable.GetUnderlyingType(typeof(TValue));
        var found = configured ?? typeConverters.GetValueOrDefault(typeof(TValue))
            ?? (underlying is null ? null : typeConverters.GetValueOrDefault(underlying))
            ?? BuiltInConverters.For(underlying ?? typeof(TValue));
        return found switch
        {
            null => null,
            ValueConverter<TValue> exact => exact,
            _ when underlying is not null && found.GetType().IsAssignableTo(typeof(ValueConverter<>).MakeGenericType(underlying)) =>
                (ValueConverter<TValue>)Activator.CreateInstance(typeof(NullableConverter<>).MakeGenericType(underlying), found)!,
            _ => throw new BulkDataConfigurationException(member, $"The converter {found.GetType().Name} configured for {member} does not convert {typeof(TValue).Name}."),
        };
    }

    private static void RejectDuplicateHeaders(IEnumerable<IColumnBinding<T>> columns)
    {
        var seen = new Dictionary<string, ResourceColumn>();
        foreach (var column in columns.Select(c => c.Column))
        {
            foreach (var header in column.Aliases.Prepend(column.Name))
            {
                var key = HeaderText.Normalize(header);
                if (seen.TryGetValue(key, out var other) && other != column)
                {
                    throw new BulkDataConfigurationException(
                        Qualified(column.MemberName),
                        $"{Qualified(column.MemberName)} and {Qualified(other.MemberName)} both use the header '{header}'. Give one of them another name with Column(..., c => c.Name(...)).");
                }

                seen[key] = column;
            }
        }
    }

    private ColumnDraft Draft(string member)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(member);
        var draft = drafts.Find(d => d.MemberName == member) ?? drafts.Find(d => string.Equals(d.MemberName, member, StringComparison.OrdinalIgnoreCase));
        if (draft is not null)
        {
            return draft;
        }

        var suggestion = drafts.MaxBy(d => HeaderText.Similarity(d.MemberName, member));
        var hint = suggestion is not null && HeaderText.Similarity(suggestion.MemberName, member) >= 0.5 ? $" Did you mean '{suggestion.MemberName}'?" : string.Empty;
        throw new BulkDataConfigurationException(Qualified(member), $"{typeof(T).Name} has no public property '{member}'.{hint}");
    }

    private static string Qualified(string member) => $"{typeof(T).Name}.{member}";

    private static string MemberName<TValue>(Expression<Func<T, TValue>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return PropertySelector.Of(member)?.Name
            ?? throw new BulkDataConfigurationException(member.ToString(), $"'{member}' must select a property of {typeof(T).Name} directly, like p => p.Name.");
    }
}

/// <summary>Lists the members of the lambda's parameter that an expression reads.</summary>
internal sealed class MemberReads : ExpressionVisitor
{
    private readonly ParameterExpression parameter;
    private readonly List<string> members = [];

    private MemberReads(ParameterExpression parameter)
    {
        this.parameter = parameter;
    }

    public static IReadOnlyList<string> Of(LambdaExpression lambda)
    {
        var visitor = new MemberReads(lambda.Parameters[0]);
        visitor.Visit(lambda.Body);
        return visitor.members;
    }

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Expression == parameter && !members.Contains(node.Member.Name))
        {
            members.Add(node.Member.Name);
        }

        return base.VisitMember(node);
    }
}

/// <summary>A built, immutable resource definition.</summary>
internal sealed record ResourceDefinition<T>(
    string Name,
    IColumnBinding<T>[] Columns,
    IColumnBinding<T>[] ExportColumns,
    IRowValidator<T>[] Validators,
    CultureInfo Culture)
    where T : class
{
    /// <summary>The members holding other resources' ids (<c>References</c>).</summary>
    public ResourceReference[] References { get; init; } = [];

    /// <summary>The members holding file-store ids (<c>Attachment</c>).</summary>
    public string[] Attachments { get; init; } = [];

    /// <summary>The columns forming the import key, in declaration order (empty when the resource has none).</summary>
    public IColumnBinding<T>[] KeyColumns { get; } = Array.FindAll(Columns, c => c.Column.IsKey);

    /// <summary>The item's import key as typed values: the one way a key is made, for repeats in a file and for packages.</summary>
    public ImportKey KeyOf(T item) => new(Array.ConvertAll(KeyColumns, c => c.GetValue(item)));
}

/// <summary>A member holding the id of another resource's record.</summary>
/// <param name="MemberName">The member holding the id.</param>
/// <param name="Parent">The referenced resource's item type.</param>
/// <param name="ParentId">The parent's id member.</param>
/// <param name="ParentIn">The referenced resource in a registry (built there if it was never registered).</param>
internal sealed record ResourceReference(string MemberName, Type Parent, PropertyInfo ParentId, Func<DependencyInjection.ResourceRegistry, IResourceEntry> ParentIn);
