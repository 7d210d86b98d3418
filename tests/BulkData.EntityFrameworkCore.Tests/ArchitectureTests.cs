using System.Reflection;
using BulkData.EntityFrameworkCore.Jobs;
using NetArchTest.Rules;

namespace BulkData.EntityFrameworkCore.Tests;

/// <summary>Issue 16: what docs/architecture.md says of the EF Core package, checked on the compiled code.</summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly EntityFramework = typeof(EntityFrameworkJobStore<>).Assembly;

    [Fact]
    public void RecordEntities_AreInternal()
    {
        var records = Types.InAssembly(EntityFramework).That().HaveNameEndingWith("Record").GetTypes().Select(t => t.Name).Order().ToArray();

        Assert.Equal(["FileChunkRecord", "FileRecord", "JobEventRecord", "JobRecord", "MappingRecord", "RowChangeRecord"], records);
        AssertKept(Types.InAssembly(EntityFramework).That().HaveNameEndingWith("Record").Should().NotBePublic().GetResult());
    }

    /// <summary>Change records are written and selected in one place; the import target only hands it its batch.</summary>
    [Fact]
    public void ChangeRecords_HaveOneHome()
    {
        var users = Types.InAssembly(EntityFramework).That().HaveDependencyOnAny(typeof(RowChangeRecord).FullName!)
            .GetTypes().Select(t => t.Name.Split('`')[0]).Order().ToArray();

        // The job store deletes a job's records and the rollback reads them (KeyedChange is its own), both through ChangeRecords.Of.
        Assert.Equal(["ChangeRecords", "EntityFrameworkJobStore", "ImportRollback", "KeyedChange"], users);
    }

    private static void AssertKept(TestResult result) =>
        Assert.True(result.IsSuccessful, string.Join(Environment.NewLine, result.FailingTypes?.Select(t => $"{t.FullName}: {t.Explanation}") ?? []));
}
