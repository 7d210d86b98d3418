namespace BulkData.Sources;

/// <summary>What a spreadsheet cell holds.</summary>
public enum CellKind
{
    /// <summary>Nothing.</summary>
    Empty,

    /// <summary>A number (<see cref="double"/>).</summary>
    Number,

    /// <summary>Text (<see cref="string"/>).</summary>
    Text,

    /// <summary>A boolean (<see cref="bool"/>).</summary>
    Boolean,

    /// <summary>A date, with or without a time of day (<see cref="DateTime"/>), from a date number format or an ISO date cell.</summary>
    Date,

    /// <summary>A time of day (<see cref="TimeOnly"/>), from a time number format.</summary>
    Time,

    /// <summary>Elapsed time (<see cref="TimeSpan"/>), from a format such as <c>[h]:mm</c> or an ISO duration.</summary>
    Duration,

    /// <summary>An Excel error such as <c>#N/A</c> (its code, a <see cref="string"/>).</summary>
    Error,
}
