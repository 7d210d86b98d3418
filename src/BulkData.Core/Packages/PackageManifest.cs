using System.Text.Json;
using System.Text.Json.Nodes;

namespace BulkData.Packages;

/// <summary>One field of a resource's Table Schema.</summary>
internal sealed record PackageField(string Name, string Type, string? Format = null);

/// <summary>A Table Schema foreign key: the fields of this resource that hold the key of another's rows.</summary>
internal sealed record PackageForeignKey(IReadOnlyList<string> Fields, string Resource, IReadOnlyList<string> ReferenceFields);

/// <summary>A resource of <c>datapackage.json</c>: a tabular data file with its schema, or an attached file.</summary>
internal sealed record PackageResource(string Name, string Path)
{
    /// <summary>A human-readable title: an attachment's original file name.</summary>
    public string? Title { get; init; }

    public string? Format { get; init; }

    public long? Bytes { get; init; }

    public string? Hash { get; init; }

    public char Delimiter { get; init; } = ',';

    public IReadOnlyList<PackageField>? Fields { get; init; }

    public IReadOnlyList<string> PrimaryKey { get; init; } = [];

    public IReadOnlyList<PackageForeignKey> ForeignKeys { get; init; } = [];

    /// <summary>True for a table (it has a schema or a tabular profile or format); false for an attached file.</summary>
    public bool IsTabular { get; init; }
}

/// <summary>
/// Reads and writes <c>datapackage.json</c>, a Frictionless Data Package descriptor (v1): the resources with their
/// paths, sizes, hashes and Table Schemas, and BulkData's own metadata under the <c>bulkdata</c> property.
/// </summary>
internal sealed record PackageManifest(IReadOnlyList<PackageResource> Resources, JsonObject? BulkData)
{
    /// <summary>The version of BulkData's package format written and the newest one read.</summary>
    public const int FormatVersion = 1;

    /// <summary>A resource's name in a package: lower case, as Frictionless requires.</summary>
    public static string ResourceName(string resourceName) => resourceName.ToLowerInvariant();

    public static PackageManifest Parse(byte[] json)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            throw Invalid($"datapackage.json is not valid JSON: {e.Message}");
        }

        if (root is not JsonObject package || package["resources"] is not JsonArray resources || resources.Count == 0)
        {
            throw Invalid("datapackage.json must be an object with a non-empty 'resources' list.");
        }

        var bulkData = package["bulkdata"] as JsonObject;
        if (bulkData?["formatVersion"] is JsonValue version && (!version.TryGetValue<int>(out var number) || number > FormatVersion))
        {
            throw new DataPackageException(PackageProblem.UnsupportedVersion, PackageArchive.ManifestName, $"The package was written in BulkData package format {version}, newer than {FormatVersion}, which this version reads. Update BulkData to import it.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var list = new List<PackageResource>();
        foreach (var node in resources)
        {
            var resource = ReadResource(node);
            if (!names.Add(resource.Name))
            {
                throw Invalid($"datapackage.json lists the resource '{resource.Name}' twice.");
            }

            list.Add(resource);
        }

        return new PackageManifest(list, bulkData);
    }

    private static PackageResource ReadResource(JsonNode? node)
    {
        if (node is not JsonObject resource || Text(resource, "name") is not { Length: > 0 } name)
        {
            throw Invalid("Each resource in datapackage.json needs a 'name'.");
        }

        if (resource["data"] is not null || Text(resource, "path") is not { Length: > 0 } path)
        {
            throw Invalid($"The resource '{name}' must give its file as one 'path' (inline 'data' and multi-part paths are not read).");
        }

        var schema = resource["schema"] as JsonObject;
        if (resource["schema"] is JsonValue)
        {
            throw Invalid($"The resource '{name}' gives its schema as a reference; put the Table Schema in datapackage.json.");
        }

        var format = Text(resource, "format") ?? Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        var fields = (schema?["fields"] as JsonArray)?.Select(f => f is JsonObject field && Text(field, "name") is { } fieldName
            ? new PackageField(fieldName, Text(field, "type") ?? "string", Text(field, "format"))
            : throw Invalid($"Each field of '{name}''s schema needs a 'name'.")).ToArray();
        var delimiter = Text(resource["dialect"] as JsonObject, "delimiter");
        return new PackageResource(name, path)
        {
            Title = Text(resource, "title"),
            Format = format,
            Bytes = resource["bytes"] is JsonValue bytes && bytes.TryGetValue<long>(out var size) ? size : null,
            Hash = Text(resource, "hash"),
            Delimiter = delimiter is { Length: 1 } ? delimiter[0] : ',',
            Fields = fields,
            PrimaryKey = Names(schema?["primaryKey"]),
            ForeignKeys = (schema?["foreignKeys"] as JsonArray)?.Select(f => ReadForeignKey(name, f)).ToArray() ?? [],
            IsTabular = schema is not null || Text(resource, "profile") == "tabular-data-resource" || format is "csv" or "tsv" or "json",
        };
    }

    private static PackageForeignKey ReadForeignKey(string resource, JsonNode? node) =>
        node is JsonObject key && key["reference"] is JsonObject reference
            ? new PackageForeignKey(Names(key["fields"]), Text(reference, "resource") is { Length: > 0 } parent ? parent : resource, Names(reference["fields"]))
            : throw Invalid($"A foreign key of '{resource}' needs 'fields' and a 'reference'.");

    private static string[] Names(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var one) => [one],
        JsonArray many => many.Select(n => n?.GetValue<string>() ?? string.Empty).ToArray(),
        _ => [],
    };

    private static string? Text(JsonObject? node, string property) =>
        node?[property] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static DataPackageException Invalid(string message) =>
        new(PackageProblem.InvalidManifest, PackageArchive.ManifestName, message + " See docs/packages.md for the format.");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Writes the descriptor: the Frictionless fields first, BulkData's metadata last.</summary>
    public byte[] ToJson()
    {
        var resources = new JsonArray();
        foreach (var resource in Resources)
        {
            var node = new JsonObject
            {
                ["name"] = resource.Name,
                ["path"] = resource.Path,
                ["profile"] = resource.IsTabular ? "tabular-data-resource" : "data-resource",
            };
            if (resource.Title is not null)
            {
                node["title"] = resource.Title;
            }

            if (resource.IsTabular)
            {
                node["format"] = resource.Format;
                node["mediatype"] = resource.Format == "json" ? "application/json" : "text/csv";
                node["encoding"] = "utf-8";
                if (resource.Format != "json")
                {
                    node["dialect"] = new JsonObject { ["delimiter"] = resource.Delimiter.ToString(), ["header"] = true, ["doubleQuote"] = true };
                }

                var schema = new JsonObject
                {
                    ["fields"] = new JsonArray(resource.Fields!.Select(f => (JsonNode)Field(f)).ToArray()),
                };
                if (resource.PrimaryKey.Count > 0)
                {
                    schema["primaryKey"] = new JsonArray(resource.PrimaryKey.Select(k => (JsonNode)k).ToArray());
                }

                if (resource.ForeignKeys.Count > 0)
                {
                    schema["foreignKeys"] = new JsonArray(resource.ForeignKeys.Select(k => (JsonNode)new JsonObject
                    {
                        ["fields"] = new JsonArray(k.Fields.Select(f => (JsonNode)f).ToArray()),
                        ["reference"] = new JsonObject
                        {
                            ["resource"] = k.Resource,
                            ["fields"] = new JsonArray(k.ReferenceFields.Select(f => (JsonNode)f).ToArray()),
                        },
                    }).ToArray());
                }

                node["schema"] = schema;
            }

            node["bytes"] = resource.Bytes;
            node["hash"] = resource.Hash;
            resources.Add(node);
        }

        var package = new JsonObject
        {
            ["profile"] = "data-package",
            ["name"] = "bulkdata-package",
            ["created"] = BulkData?["exportedAt"]?.DeepClone(),
            ["resources"] = resources,
            ["bulkdata"] = BulkData?.DeepClone(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(package, Indented);
    }

    private static JsonObject Field(PackageField field)
    {
        var node = new JsonObject { ["name"] = field.Name, ["type"] = field.Type };
        if (field.Format is not null)
        {
            node["format"] = field.Format;
        }

        return node;
    }
}
