namespace BulkData;

/// <summary>How a JSON file is read.</summary>
public sealed class JsonSourceOptions
{
    /// <summary>
    /// Reads one object per line (NDJSON) rather than one array of objects. Default: null, detected:
    /// a file starting with <c>[</c> is an array, one starting with <c>{</c> is NDJSON.
    /// </summary>
    public bool? Ndjson { get; set; }

    /// <summary>The largest single record accepted, in bytes. Default: 16 MiB. A larger one stops the import with its line.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxRecordBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How deeply objects and arrays may nest inside a record (the record itself is depth 1). Default: 64.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int MaxDepth { get; set; } = 64;
}
