namespace BulkData.Core.Tests;

/// <summary>Tests that measure memory or time run after the others, one at a time, so that the figures are their own.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeasuredAlone
{
    public const string Name = "Measured alone";
}
