namespace BulkData.Sinks;

/// <summary>How the built-in sinks create their output files.</summary>
internal static class SinkStreams
{
    /// <summary>Creates (or replaces) a file for one sequential, buffered write.</summary>
    public static FileStream File(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 65_536, FileOptions.Asynchronous);
    }
}
