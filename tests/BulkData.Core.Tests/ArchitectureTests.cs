using System.Reflection;
using BulkData.Resources;
using NetArchTest.Rules;

namespace BulkData.Core.Tests;

/// <summary>
/// Issue 16: the layers docs/architecture.md draws, checked on the compiled code (method bodies included), so the
/// drawing stays true.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(Resource<>).Assembly;

    /// <summary>The concrete formats: only their own files, the format registries and the data packages' tables name them.</summary>
    private static readonly string[] Formats = ["BulkData.CsvSource", "BulkData.XlsxSource", "BulkData.JsonSource", "BulkData.CsvSink", "BulkData.XlsxSink", "BulkData.JsonSink"];

    [Fact]
    public void Resources_DoNotKnowSinks()
    {
        var result = Types.InAssembly(Core).That().ResideInNamespace("BulkData.Resources")
            .ShouldNot().HaveDependencyOnAny(["BulkData.Sinks", .. Formats]).GetResult();

        AssertKept(result);
    }

    [Fact]
    public void ThePipeline_NamesNoFormat()
    {
        string[] pipeline = ["ImportOperation", "ImportRun", "ImportErrorReport", "QueuedImport", "ExportOperation", "ExportRun", "ColumnWriter", "QueuedJobExecutor"];

        var result = Types.InAssembly(Core).That().HaveName(pipeline).ShouldNot().HaveDependencyOnAny(Formats).GetResult();

        AssertKept(result);
        Assert.Equal(pipeline.Order(), Types.InAssembly(Core).That().HaveName(pipeline).GetTypes().Select(t => t.Name.Split('`')[0]).Order());
    }

    /// <summary>
    /// Issue 24: a queued job, an HTTP route, a data package or a reference reaches the resource it names through
    /// <see cref="IResourceEntry.Accept{TResult}"/>. Making generic code at run time is left to building a resource's
    /// columns for their value types (and a filter's operators); nowhere is a resource dispatched by reflection.
    /// </summary>
    [Fact]
    public void ResourcesKnownByName_AreReachedWithoutReflection()
    {
        Assert.Equal(
            ["BulkData.Export.CellWriter", "BulkData.Mapping.BuiltInConverters", "BulkData.Resources.ResourceBuilder", "BulkData.Resources.ResourceModel"],
            BulkData.Tests.Shared.GenericDispatch.TypesMakingGenerics(Core));
    }

    /// <summary>Issue 24: adapter packages build on Core's public API; only Core's own tests see its internals.</summary>
    [Fact]
    public void Core_GrantsInternalsToNoAdapterPackage()
    {
        var granted = Core.GetCustomAttributes<System.Runtime.CompilerServices.InternalsVisibleToAttribute>().Select(a => a.AssemblyName);

        Assert.Equal(["BulkData.Core.Tests"], granted);
    }

    /// <summary>
    /// Issue 24: one public type per file, named like the file, across every package's sources; a reader finds a type
    /// by its name alone.
    /// </summary>
    [Fact]
    public void EveryPublicType_LivesInAFileNamedLikeIt()
    {
        var declaration = new System.Text.RegularExpressions.Regex(
            @"^public (?:(?:sealed|static|abstract|partial|readonly|ref|record|unsafe) )*(?:class|struct|interface|enum|record|delegate [^(]+) (?<name>\w+)",
            System.Text.RegularExpressions.RegexOptions.Multiline);
        var src = Path.Combine(RepositoryRoot(), "src");

        var misplaced = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => declaration.Matches(File.ReadAllText(file))
                .Select(m => m.Groups["name"].Value)
                .Where(name => name != Path.GetFileNameWithoutExtension(file))
                .Select(name => $"{Path.GetRelativePath(src, file)}: {name}"))
            .ToList();

        Assert.Empty(misplaced);
        Assert.True(Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Count() > 100, "the sources were not found");
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    private static void AssertKept(TestResult result) =>
        Assert.True(result.IsSuccessful, string.Join(Environment.NewLine, result.FailingTypes?.Select(t => $"{t.FullName}: {t.Explanation}") ?? []));
}
