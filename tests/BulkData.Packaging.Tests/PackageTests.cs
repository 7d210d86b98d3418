using System.IO.Compression;
using System.Reflection.Metadata;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace BulkData.Packaging.Tests;

/// <summary>
/// Issue 16: what <c>dotnet pack</c> makes is what a user should get: a licence, the README, symbols, a 0.x version,
/// and only the dependencies each package needs; and the README's five-minute guide, pasted into a fresh console app
/// that references the packed packages, builds and runs.
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed partial class PackageTests(PackedPackages packages)
{
    /// <summary>The dependencies each package may have: its own libraries, never implementations pinned for our tests.</summary>
    private static readonly Dictionary<string, string[]> AllowedDependencies = new()
    {
        ["BulkData.Core"] = ["CsvHelper", "System.IO.Hashing", "Cronos", "DocumentFormat.OpenXml", "System.IO.Packaging", "Microsoft.Extensions.DependencyInjection.Abstractions", "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Hosting.Abstractions", "Microsoft.Extensions.Configuration.Binder"],
        ["BulkData.EntityFrameworkCore"] = ["BulkData.Core", "Microsoft.EntityFrameworkCore.Relational", "Microsoft.Data.Sqlite.Core"],
        ["BulkData.PostgreSql"] = ["BulkData.EntityFrameworkCore", "Npgsql.EntityFrameworkCore.PostgreSQL"],
        ["BulkData.Quartz"] = ["BulkData.Core", "Quartz", "Npgsql"],
        ["BulkData.Pdf"] = ["BulkData.Core", "SkiaSharp", "SkiaSharp.HarfBuzz", "SkiaSharp.NativeAssets.Linux.NoDependencies", "HarfBuzzSharp.NativeAssets.Linux"],
        ["BulkData.Xls"] = ["BulkData.Core", "ExcelDataReader"],
        ["BulkData.AspNetCore"] = ["BulkData.Core"],
    };

    /// <summary>The kind of a document's custom debug information holding its source text (Portable PDB format).</summary>
    private static readonly Guid EmbeddedSource = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    public static TheoryData<string> Projects() => [.. PackedPackages.Projects];

    [Theory]
    [MemberData(nameof(Projects))]
    public void Package_HasLicenceReadmeSymbolsVersionAndOnlyItsOwnDependencies(string project)
    {
        var package = Path.Combine(packages.Folder, $"{project}.{packages.Version}.nupkg");
        Assert.True(File.Exists(Path.Combine(packages.Folder, $"{project}.{packages.Version}.snupkg")), $"{project} has no symbol package.");
        using var zip = ZipFile.OpenRead(package);
        var entries = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("README.md", entries);
        Assert.Contains($"lib/net10.0/{project}.dll", entries);
        Assert.Contains($"lib/net10.0/{project}.xml", entries);

        XNamespace ns = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).Root!.Name.Namespace;
        var metadata = XDocument.Load(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open()).Root!.Element(ns + "metadata")!;
        Assert.Equal(("expression", "MIT"), ((string?)metadata.Element(ns + "license")?.Attribute("type"), (string?)metadata.Element(ns + "license")));
        Assert.Equal("README.md", (string?)metadata.Element(ns + "readme"));
        Assert.StartsWith("0.", (string?)metadata.Element(ns + "version"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace((string?)metadata.Element(ns + "description")));
        Assert.DoesNotContain("example.invalid", metadata.ToString(), StringComparison.Ordinal);

        var dependencies = metadata.Descendants(ns + "dependency").Select(d => (string)d.Attribute("id")!).Distinct().Order().ToArray();
        Assert.Empty(dependencies.Except(AllowedDependencies[project]));
    }

    /// <summary>A debugger steps into the package's code from its symbol package alone: every source file is in the PDB.</summary>
    [Theory]
    [MemberData(nameof(Projects))]
    public void SymbolPackage_CarriesEverySourceFile(string project)
    {
        using var snupkg = ZipFile.OpenRead(Path.Combine(packages.Folder, $"{project}.{packages.Version}.snupkg"));
        using var pdb = new MemoryStream();
        using (var entry = snupkg.Entries.Single(e => e.FullName == $"lib/net10.0/{project}.pdb").Open())
        {
            entry.CopyTo(pdb);
        }

        pdb.Position = 0;
        using var provider = MetadataReaderProvider.FromPortablePdbStream(pdb);
        var reader = provider.GetMetadataReader();
        var embedded = reader.CustomDebugInformation.Select(reader.GetCustomDebugInformation)
            .Where(info => info.Parent.Kind == HandleKind.Document && reader.GetGuid(info.Kind) == EmbeddedSource)
            .Select(info => reader.GetString(reader.GetDocument((DocumentHandle)info.Parent).Name))
            .ToHashSet();
        var sources = reader.Documents.Select(d => reader.GetString(reader.GetDocument(d).Name))
            .Where(name => name.EndsWith(".cs", StringComparison.Ordinal) && !name.Contains("/obj/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(sources);
        Assert.Equal([], sources.Except(embedded));
    }

    [Fact]
    public async Task FiveMinuteGuide_PastedIntoAFreshConsoleApp_BuildsAndRunsAgainstThePackedPackages()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(PackedPackages.Root(), "README.md"));
        var guide = GuideBlock().Match(readme);
        Assert.True(guide.Success, "README.md has no C# block under '## Five-minute guide'.");
        var app = Directory.CreateTempSubdirectory("bulkdata-guide-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), guide.Groups["code"].Value);
            await File.WriteAllTextAsync(Path.Combine(app, "Guide.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="BulkData.Core" Version="{packages.Version}" />
                    <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.15" />
                  </ItemGroup>
                </Project>
                """);

            await packages.UseFromAsync(app);
            var output = await Programs.RunAsync("dotnet", "run", app);
            Assert.Contains("Import CompletedWithErrors: 3 read, 2 valid, 1 invalid, 2 created", output, StringComparison.Ordinal);
            Assert.Contains("Row 2 (line 3), column 'Unit Price'", output, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(app, "products.xlsx")), "the guide's export wrote no file");
        }
        finally
        {
            Directory.Delete(app, recursive: true);
        }
    }

    [GeneratedRegex("## Five-minute guide.*?```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex GuideBlock();
}
