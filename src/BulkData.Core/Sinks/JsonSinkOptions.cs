namespace BulkData;

/// <summary>How JSON is written.</summary>
public sealed class JsonSinkOptions
{
    /// <summary>Writes one object per line (NDJSON) instead of one array. Default: false.</summary>
    public bool Ndjson { get; set; }

    /// <summary>Indents the output for people to read (arrays only). Default: false.</summary>
    public bool Indented { get; set; }
}
