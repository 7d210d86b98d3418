using System.ComponentModel.DataAnnotations;
using BulkData.Import;
using BulkData.Mapping;

namespace BulkData;

/// <summary>Options of an import. Set application-wide defaults with <c>ConfigureImport</c>, and per import with <c>WithOptions</c>.</summary>
public sealed class ImportOptions
{
    /// <summary>
    /// What a target that merges rows into existing records (EF Core's) does with a row whose key exists, for this
    /// import: the upload's choice. Default: null, the target's own strategy.
    /// </summary>
    public MergeStrategy? MergeStrategy { get; set; }

    /// <summary>How rows reach the target when some are invalid. Default: <see cref="CommitMode.AllOrNothing"/>.</summary>
    public CommitMode CommitMode { get; set; } = CommitMode.AllOrNothing;

    /// <summary>Rows written per batch, and how often progress is saved. Default: 1,000.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 1_000;

    /// <summary>The most errors kept on the job and result; more are counted but not kept. Default: 1,000.</summary>
    [Range(0, int.MaxValue)]
    public int MaxErrors { get; set; } = 1_000;

    /// <summary>
    /// The most bytes of error text (messages and raw values) kept on the job and result; past it, errors
    /// are counted but not kept, so a file of bad rows cannot fill memory or the job store. Raw values are
    /// kept to their first 256 characters. Default: 1 MiB.
    /// </summary>
    [Range(1_024, int.MaxValue)]
    public int MaxErrorBytes { get; set; } = 1024 * 1024;

    /// <summary>The most data rows one import reads; a longer file stops the import with an error naming this limit. Default: 10,000,000.</summary>
    [Range(1, long.MaxValue)]
    public long MaxRows { get; set; } = 10_000_000;

    /// <summary>The most columns a file may have (Excel's own limit is 16,384). Default: 16,384.</summary>
    [Range(1, 1_000_000)]
    public int MaxColumns { get; set; } = 16_384;

    /// <summary>Stops the import once more than this many rows are invalid. Default: null (no limit).</summary>
    [Range(0, long.MaxValue)]
    public long? MaxInvalidRows { get; set; }

    /// <summary>Stops the import once more than this fraction (0 to 1) of the rows read is invalid, checked every batch. Default: null (no limit).</summary>
    [Range(0.0, 1.0)]
    public double? MaxInvalidFraction { get; set; }

    /// <summary>Rows read by a preview. Default: 100.</summary>
    [Range(1, 1_000_000)]
    public int PreviewRows { get; set; } = 100;

    /// <summary>
    /// Keeps one <see cref="RowOutcome"/> per row on the result (16 bytes a row). Default: true; turn it
    /// off for imports of millions of rows to keep memory flat.
    /// </summary>
    public bool RecordRowOutcomes { get; set; } = true;

    /// <summary>What happens when a key (the resource's <c>Key</c>) repeats within the file. Default: <see cref="DuplicateKeyPolicy.Error"/>.</summary>
    public DuplicateKeyPolicy DuplicateKeys { get; set; } = DuplicateKeyPolicy.Error;

    /// <summary>
    /// Fails the import before any row is read when the file lacks any of the resource's columns, instead of
    /// reporting each missing column as a warning. Default: false. A single column can be required with
    /// <c>Column(..., c =&gt; c.Required())</c>.
    /// </summary>
    public bool RequireAllColumns { get; set; }

    /// <summary>How headers are matched to columns.</summary>
    public MappingOptions Mapping { get; set; } = new();

    internal ImportOptions Clone()
    {
        var copy = (ImportOptions)MemberwiseClone();
        copy.Mapping = new MappingOptions { SuggestionThreshold = Mapping.SuggestionThreshold, AcceptSuggestions = Mapping.AcceptSuggestions };
        return copy;
    }

    /// <summary>Checks every <c>[Range]</c> above, naming the option at fault.</summary>
    internal void Validate()
    {
        BulkDataConfigurationException.ThrowIfInvalid(this);
        BulkDataConfigurationException.ThrowIfInvalid(Mapping);
    }
}
