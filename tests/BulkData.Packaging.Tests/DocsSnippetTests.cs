using System.Text;
using System.Text.RegularExpressions;

namespace BulkData.Packaging.Tests;

/// <summary>
/// Issue 16: docs that cannot rot. Every C# block of README.md and docs/*.md is compiled against the packed packages,
/// each in a project of its own namespace: its <c>using</c> lines hoisted, its types declared, its statements in an
/// async method. The names a fragment takes from its surroundings (<c>services</c>, <c>importer</c>, <c>db</c>,
/// <c>ct</c>, ...) are declared once in <see cref="Ambient"/>, with the models the docs use. (The five-minute guide
/// is also run: see <see cref="PackageTests"/>.)
/// </summary>
[Collection(PackedPackagesCollection.Name)]
public sealed partial class DocsSnippetTests(PackedPackages packages)
{
    private const string Ambient = """
        global using BulkData;
        global using BulkData.AspNetCore;
        global using BulkData.DependencyInjection;
        global using BulkData.EntityFrameworkCore.Import;
        global using BulkData.Export;
        global using BulkData.Import;
        global using BulkData.Jobs;
        global using BulkData.Mapping;
        global using BulkData.Packages;
        global using BulkData.Pdf;
        global using BulkData.PostgreSql;
        global using BulkData.Quartz;
        global using BulkData.Resources;
        global using BulkData.Sinks;
        global using BulkData.Sources;
        global using BulkData.Validation;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.EntityFrameworkCore;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using static Snippets.Ambient;

        namespace Snippets;

        /// <summary>What the docs' fragments take from the code around them.</summary>
        public static class Ambient
        {
            public static IServiceCollection services = null!;
            public static BulkDataBuilder b = null!;
            public static IServiceProvider provider = null!;
            public static WebApplicationBuilder builder = null!;
            public static WebApplication app = null!;
            public static IConfiguration configuration = null!;
            public static HttpRequest Request = null!;
            public static IBulkImporter importer = null!;
            public static IBulkExporter exporter = null!;
            public static IJobStore jobs = null!;
            public static IJobRunner runner = null!;
            public static ShopContext db = null!;
            public static IDbContextFactory<ShopContext> contexts = null!;
            public static ImportRollback<ShopContext> rollback = null!;
            public static IImportSource source = null!;
            public static IImportTarget<Product> myTarget = null!;
            public static ImportResult importResult = null!;
            public static Stream output = null!;
            public static Stream upload = null!;
            public static IProgress<JobProgress> progress = null!;
            public static ResourceBuilder<Product> r = null!;
            public static Guid jobId;
            public static CancellationToken ct;
            public static string user = "";
            public static string tenant = "";
        }

        public class Product
        {
            public int Id { get; set; }
            public string Sku { get; set; } = "";
            public string Name { get; set; } = "";
            public decimal UnitPrice { get; set; }
            public int Quantity { get; set; }
            public string Color { get; set; } = "";
            public bool Active { get; set; }
            public DateOnly? Released { get; set; }
            public string? InternalNotes { get; set; }
        }

        public class Order(string channel)
        {
            public string Number { get; set; } = "";
            public string Channel { get; } = channel;
            public decimal Net { get; set; }
            public decimal Gross { get; set; }
            public decimal VatRate { get; set; }
        }

        public class Region { public int Id { get; set; } public string Code { get; set; } = ""; }
        public class Customer { public int Id { get; set; } public string Number { get; set; } = ""; public int RegionId { get; set; } }
        public class SalesOrder { public int Id { get; set; } public string Reference { get; set; } = ""; public int CustomerId { get; set; } public int? ShipToRegionId { get; set; } public DateTime PlacedAt { get; set; } }
        public class OrderDocument { public int Id { get; set; } public string Title { get; set; } = ""; public int OrderId { get; set; } public Guid? FileId { get; set; } }

        public interface ICatalogue
        {
            Task<bool> IsRetiredAsync(string sku, CancellationToken cancellationToken);
        }

        public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
        {
            public DbSet<Product> Products => Set<Product>();
            public DbSet<SalesOrder> Orders => Set<SalesOrder>();
            public DbSet<SalesOrder> SalesOrders => Set<SalesOrder>();
            public DbSet<OrderDocument> OrderDocuments => Set<OrderDocument>();
        }
        """;

    [Fact]
    public async Task EveryCSharpBlock_InTheReadmeAndDocs_Compiles()
    {
        var root = PackedPackages.Root();
        var project = Directory.CreateTempSubdirectory("bulkdata-docs-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(project, "Ambient.cs"), Ambient);
            var count = 0;
            foreach (var doc in new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order()))
            {
                var text = (await File.ReadAllTextAsync(doc)).Replace("\r\n", "\n", StringComparison.Ordinal);
                var blocks = CSharpBlock().Matches(text);
                for (var i = 0; i < blocks.Count; i++)
                {
                    var name = $"{Path.GetFileNameWithoutExtension(doc).Replace('-', '_')}_{i}";
                    await File.WriteAllTextAsync(Path.Combine(project, $"{name}.cs"), Wrap(name, blocks[i].Groups["code"].Value));
                    count++;
                }
            }

            Assert.True(count >= 20, $"only {count} C# blocks were found");
            await File.WriteAllTextAsync(Path.Combine(project, "Docs.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <NoWarn>CS1998;CS0219;CS0168;CS8321</NoWarn>
                  </PropertyGroup>
                  <ItemGroup>
                    <FrameworkReference Include="Microsoft.AspNetCore.App" />
                    {string.Concat(PackedPackages.Projects.Select(p => $"<PackageReference Include=\"{p}\" Version=\"{packages.Version}\" />"))}
                    <PackageReference Include="Microsoft.EntityFrameworkCore.Sqlite" Version="10.0.15" />
                  </ItemGroup>
                </Project>
                """);
            await packages.UseFromAsync(project);
            await Programs.RunAsync("dotnet", "build -nologo -v q", project);
        }
        finally
        {
            Directory.Delete(project, recursive: true);
        }
    }

    /// <summary>A block as a file: its usings first, its types in a namespace of its own, its statements in a method.</summary>
    private static string Wrap(string name, string code)
    {
        var usings = new StringBuilder();
        var types = new StringBuilder();
        var statements = new StringBuilder();
        var lines = code.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("using ", StringComparison.Ordinal) && TrailingComment().Replace(lines[i], string.Empty).TrimEnd().EndsWith(';') && !lines[i].Contains('(', StringComparison.Ordinal))
            {
                usings.AppendLine(lines[i]);
            }
            else if (TypeDeclaration().IsMatch(lines[i]))
            {
                for (; i < lines.Length; i++)
                {
                    types.AppendLine(lines[i]);
                    if (lines[i] == "}" || (lines[i].TrimEnd().EndsWith(';') && !lines[i].Contains('{', StringComparison.Ordinal) && lines[i].StartsWith("public", StringComparison.Ordinal)))
                    {
                        break;
                    }
                }
            }
            else
            {
                statements.AppendLine(lines[i]);
            }
        }

        // A block that is one expression (an options object, say) is compiled as the value of a discard.
        var body = statements.ToString().TrimEnd();
        var last = TrailingComment().Replace(body.Split('\n')[^1], string.Empty).TrimEnd();
        if (last.Length > 0 && !last.EndsWith(';') && !last.EndsWith('}') && !last.EndsWith(')'))
        {
            body = $"_ = {body}\n;";
        }

        return $$"""
            {{usings}}
            namespace Snippets.{{name}};

            {{types}}

            internal static class Block
            {
                internal static async Task RunAsync()
                {
            {{body}}
                }
            }
            """;
    }

    [GeneratedRegex("\\s*//.*$")]
    private static partial Regex TrailingComment();

    [GeneratedRegex("```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex("^public (sealed |static |abstract )*(partial )?(class|record|enum|interface|struct) ")]
    private static partial Regex TypeDeclaration();
}
