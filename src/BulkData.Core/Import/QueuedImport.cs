using System.Globalization;
using System.Text.Json;
using BulkData.Jobs;

namespace BulkData.Import;

/// <summary>
/// What a queued import carries in its job so that any process can run it: the options, mappings, culture
/// and formats as parameters, the upload as a stored file, and how to read it. Also what every import
/// records about itself.
/// </summary>
internal static class QueuedImport
{
    public static Dictionary<string, string> Describe<T>(ImportOperation<T> operation)
        where T : class
    {
        var options = operation.Options;
        var parameters = new Dictionary<string, string>(operation.Parameters)
        {
            ["commitMode"] = options.CommitMode.ToString(),
            ["batchSize"] = Text(options.BatchSize),
            ["duplicateKeys"] = options.DuplicateKeys.ToString(),
            ["maxErrors"] = Text(options.MaxErrors),
            ["maxErrorBytes"] = Text(options.MaxErrorBytes),
            ["maxRows"] = Text(options.MaxRows),
            ["maxColumns"] = Text(options.MaxColumns),
            ["requireAllColumns"] = options.RequireAllColumns ? "true" : "false",
            ["acceptSuggestions"] = options.Mapping.AcceptSuggestions ? "true" : "false",
            ["suggestionThreshold"] = Text(options.Mapping.SuggestionThreshold),
        };
        if (options.MaxInvalidRows is { } rows)
        {
            parameters["maxInvalidRows"] = Text(rows);
        }

        if (options.MergeStrategy is { } strategy)
        {
            parameters["mergeStrategy"] = strategy.ToString();
        }

        if (options.MaxInvalidFraction is { } fraction)
        {
            parameters["maxInvalidFraction"] = Text(fraction);
        }

        foreach (var (header, column) in operation.ColumnMappings)
        {
            parameters[$"map:{header}"] = column;
        }

        if (operation.Culture is { } culture)
        {
            parameters["culture"] = culture.Name;
        }

        foreach (var (member, formats) in operation.ColumnFormats)
        {
            parameters[$"format:{member}"] = JsonSerializer.Serialize(formats);
        }

        return parameters;
    }

    /// <summary>Sets up an operation as the queued job describes it.</summary>
    public static ImportOperation<T> Restore<T>(ImportOperation<T> operation, Job job)
        where T : class
    {
        var p = job.Parameters;
        operation = operation.OwnedBy(job.Owner, job.Tenant).WithOptions(o =>
        {
            o.CommitMode = Enum.Parse<CommitMode>(p["commitMode"]);
            o.BatchSize = int.Parse(p["batchSize"], CultureInfo.InvariantCulture);
            o.DuplicateKeys = Enum.Parse<DuplicateKeyPolicy>(p["duplicateKeys"]);
            o.MaxErrors = int.Parse(p["maxErrors"], CultureInfo.InvariantCulture);
            o.MaxErrorBytes = int.Parse(p["maxErrorBytes"], CultureInfo.InvariantCulture);
            o.MaxRows = long.Parse(p["maxRows"], CultureInfo.InvariantCulture);
            o.MaxColumns = int.Parse(p["maxColumns"], CultureInfo.InvariantCulture);
            o.RequireAllColumns = p["requireAllColumns"] == "true";
            o.Mapping.AcceptSuggestions = p["acceptSuggestions"] == "true";
            o.Mapping.SuggestionThreshold = double.Parse(p["suggestionThreshold"], CultureInfo.InvariantCulture);
            o.MaxInvalidRows = p.TryGetValue("maxInvalidRows", out var rows) ? long.Parse(rows, CultureInfo.InvariantCulture) : null;
            o.MaxInvalidFraction = p.TryGetValue("maxInvalidFraction", out var fraction) ? double.Parse(fraction, CultureInfo.InvariantCulture) : null;
            o.MergeStrategy = p.TryGetValue("mergeStrategy", out var strategy) ? Enum.Parse<MergeStrategy>(strategy) : null;
        });
        foreach (var (name, value) in p)
        {
            if (name.StartsWith("map:", StringComparison.Ordinal))
            {
                operation = operation.MapColumn(name[4..], value);
            }
            else if (name.StartsWith("format:", StringComparison.Ordinal))
            {
                operation = operation.WithFormat(name[7..], JsonSerializer.Deserialize<string[]>(value) ?? []);
            }
        }

        return p.TryGetValue("culture", out var culture) ? operation.WithCulture(CultureInfo.GetCultureInfo(culture)) : operation;
    }

    private static string Text<TNumber>(TNumber number)
        where TNumber : IFormattable => number.ToString(null, CultureInfo.InvariantCulture);
}
