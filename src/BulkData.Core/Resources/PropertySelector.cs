using System.Linq.Expressions;
using System.Reflection;

namespace BulkData.Resources;

/// <summary>The property a lambda selects directly from its parameter (<c>p =&gt; p.Name</c>, a boxing conversion allowed), as builders take them.</summary>
internal static class PropertySelector
{
    /// <summary>The selected property, or null when the lambda does anything else.</summary>
    public static PropertyInfo? Of(LambdaExpression lambda)
    {
        var body = lambda.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : lambda.Body;
        return body is MemberExpression { Member: PropertyInfo property } access && access.Expression == lambda.Parameters[0] ? property : null;
    }
}
