using System.Runtime.CompilerServices;

namespace BulkData.Packaging.Tests;

/// <summary>
/// Packs every package of the repository once (Release, to a temporary folder, with a version of its own so that no
/// earlier pack in the machine's package cache stands in for it), for the tests to read and use.
/// </summary>
public sealed class PackedPackages : IAsyncLifetime
{
    public static readonly string[] Projects = ["BulkData.Core", "BulkData.EntityFrameworkCore", "BulkData.PostgreSql", "BulkData.Quartz", "BulkData.Pdf", "BulkData.Xls", "BulkData.AspNetCore"];

    public string Folder { get; } = Directory.CreateTempSubdirectory("bulkdata-packages-").FullName;

    /// <summary>This run's version: the repository's, with a pre-release label of its own.</summary>
    public string Version { get; } = $"0.4.0-check.{DateTime.UtcNow:yyyyMMddHHmmss}";

    public static string Root([CallerFilePath] string path = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));

    public async Task InitializeAsync()
    {
        foreach (var project in Projects)
        {
            await Programs.RunAsync("dotnet", $"pack \"{Path.Combine(Root(), "src", project, $"{project}.csproj")}\" -c Release --no-restore -o \"{Folder}\" -p:Version={Version} -p:ContinuousIntegrationBuild=true", Root());
        }
    }

    /// <summary>Lets a project in <paramref name="folder"/> restore these packages: the local folder, then the machine's own source (the user-level configuration's).</summary>
    public Task UseFromAsync(string folder) => File.WriteAllTextAsync(Path.Combine(folder, "nuget.config"), $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <add key="bulkdata-local" value="{Folder}" />
          </packageSources>
        </configuration>
        """);

    public Task DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>One pack for every test that uses the packages: two packs at once would build the same projects at once.</summary>
[CollectionDefinition(Name)]
public sealed class PackedPackagesCollection : ICollectionFixture<PackedPackages>
{
    public const string Name = "Packed packages";
}
