using System.Reflection;
using BulkData.Import;

namespace BulkData.Core.Tests;

/// <summary>
/// The public surface of BulkData.Core, approved by review: a change to it shows up as a diff of
/// PublicApi.approved.txt. On a mismatch the test writes PublicApi.received.txt beside it.
/// </summary>
public sealed class PublicApiTests
{
    [Fact]
    public void PublicApi_MatchesTheApprovedListing()
    {
        var approvedPath = Path.Combine(SourceFolder(), "PublicApi.approved.txt");
        var received = string.Join('\n', Describe(typeof(IBulkImporter).Assembly)) + '\n';
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;

        if (received != approved)
        {
            File.WriteAllText(Path.Combine(SourceFolder(), "PublicApi.received.txt"), received);
        }

        Assert.True(received == approved, "The public API changed. Review PublicApi.received.txt and, if intended, copy it over PublicApi.approved.txt.");
    }

    private static IEnumerable<string> Describe(Assembly assembly)
    {
        const BindingFlags declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            yield return $"{Kind(type)} {type}";
            var members = type.GetMembers(declared)
                .Where(m => m switch
                {
                    MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !(method.IsSpecialName && !method.IsConstructor),
                    PropertyInfo property => property.GetAccessors(true).Any(a => a.IsPublic || a.IsFamily || a.IsFamilyOrAssembly),
                    FieldInfo field => (field.IsPublic || field.IsFamily) && !field.IsSpecialName,
                    EventInfo => true,
                    _ => false,
                })
                .Select(m => $"  {(m is MethodBase { IsFamily: true } ? "protected " : string.Empty)}{m}")
                .Order(StringComparer.Ordinal);
            foreach (var member in members)
            {
                yield return member;
            }
        }
    }

    private static string Kind(Type type) =>
        type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : "class";

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
