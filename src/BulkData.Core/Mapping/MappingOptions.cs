using System.ComponentModel.DataAnnotations;

namespace BulkData.Mapping;

/// <summary>How file headers are matched to resource columns.</summary>
public sealed class MappingOptions
{
    /// <summary>The least similarity (0 to 1) for a fuzzy suggestion. Default: 0.7.</summary>
    [Range(0.0, 1.0)]
    public double SuggestionThreshold { get; set; } = 0.7;

    /// <summary>Maps each unmatched column to its best suggestion, with a warning. Default: false (suggestions only).</summary>
    public bool AcceptSuggestions { get; set; }
}
