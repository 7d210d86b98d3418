namespace BulkData.AspNetCore;

/// <summary>How the importer page is served.</summary>
public sealed class BulkDataImporterOptions
{
    /// <summary>The route prefix <c>MapBulkData</c> was given, which the page calls. Default: <c>/bulkdata</c>.</summary>
    public string ApiPrefix { get; set; } = "/bulkdata";

    /// <summary>
    /// A JSON file of texts over the page's own (the keys of <c>Importer/texts.json</c>), e.g. a translation; keys
    /// it leaves out keep their English text. Default: null.
    /// </summary>
    public string? TextsFile { get; set; }

    /// <summary>The authorization policy the page itself requires; null for <see cref="BulkDataHttpOptions.ImportPolicy"/>.</summary>
    public string? Policy { get; set; }
}
