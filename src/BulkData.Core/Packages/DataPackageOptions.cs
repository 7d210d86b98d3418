using System.ComponentModel.DataAnnotations;

namespace BulkData.Packages;

/// <summary>The limits that protect a server from hostile or runaway packages, checked before any row is written.</summary>
public sealed class DataPackageOptions
{
    /// <summary>The most entries an archive may hold. Default: 10,000.</summary>
    [Range(1, int.MaxValue)]
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>The most bytes all entries may unpack to together. Default: 4 GiB.</summary>
    [Range(1, long.MaxValue)]
    public long MaxUnpackedBytes { get; set; } = 4L << 30;

    /// <summary>The most an entry may unpack to per compressed byte (a zip bomb unpacks to thousands). Default: 200.</summary>
    [Range(1, int.MaxValue)]
    public int MaxCompressionRatio { get; set; } = 200;

    /// <summary>The largest <c>datapackage.json</c> read. Default: 16 MiB.</summary>
    [Range(1, int.MaxValue)]
    public int MaxManifestBytes { get; set; } = 16 << 20;
}
