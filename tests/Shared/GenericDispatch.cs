using System.Reflection;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace BulkData.Tests.Shared;

/// <summary>
/// Where an assembly makes generic methods or types at run time (<c>MakeGenericMethod</c>, <c>MakeGenericType</c>):
/// read from the compiled method bodies, so an architecture test can say where that may happen.
/// </summary>
internal static class GenericDispatch
{
    /// <summary>The full names of the top-level types whose methods (nested types' and lambdas' included) make a generic method or type.</summary>
    public static IReadOnlySet<string> TypesMakingGenerics(Assembly assembly)
    {
        using var module = ModuleDefinition.ReadModule(assembly.Location);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            foreach (var method in type.Methods.Where(m => m.HasBody))
            {
                if (method.Body.Instructions.Any(MakesGeneric))
                {
                    var outer = type;
                    while (outer.DeclaringType is not null)
                    {
                        outer = outer.DeclaringType;
                    }

                    found.Add(outer.FullName.Split('`')[0]);
                }
            }
        }

        return found;
    }

    private static bool MakesGeneric(Instruction instruction) =>
        (instruction.OpCode == OpCodes.Call || instruction.OpCode == OpCodes.Callvirt)
        && instruction.Operand is MethodReference { Name: "MakeGenericMethod" or "MakeGenericType" } called
        && called.DeclaringType.Namespace is "System" or "System.Reflection";
}
