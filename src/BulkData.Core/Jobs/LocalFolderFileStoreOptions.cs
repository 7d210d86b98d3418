namespace BulkData.Jobs;

/// <summary>Where <see cref="LocalFolderFileStore"/> keeps its files.</summary>
public sealed class LocalFolderFileStoreOptions
{
    /// <summary>The folder. Default: <c>bulkdata-files</c> in the system's temporary folder. Share it between processes that run queued jobs.</summary>
    public string Folder { get; set; } = Path.Combine(Path.GetTempPath(), "bulkdata-files");
}
