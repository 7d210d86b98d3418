using System.Text;

namespace BulkData.Validation;

/// <summary>
/// One problem found in the input, with everything needed to find and fix it.
/// </summary>
/// <param name="Kind">What kind of problem it is.</param>
/// <param name="Message">A message a non-programmer can act on.</param>
/// <param name="RowNumber">The 1-based data row (the header is not counted); null for file and header problems.</param>
/// <param name="LineNumber">The 1-based physical line (or spreadsheet row) where the row starts, when known.</param>
/// <param name="Column">The column (header name) at fault, when one is.</param>
/// <param name="RawValue">The raw text that was read, when there is one.</param>
public sealed record RowError(
    RowErrorKind Kind,
    string Message,
    long? RowNumber = null,
    long? LineNumber = null,
    string? Column = null,
    string? RawValue = null)
{
    /// <summary>Formats the error as one line, e.g. <c>Row 3 (line 4), column 'Price', value 'abc': ...</c>.</summary>
    /// <returns>The error as text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        if (RowNumber is { } row)
        {
            text.Append("Row ").Append(row);
            if (LineNumber is { } rowLine)
            {
                text.Append(" (line ").Append(rowLine).Append(')');
            }
        }
        else if (LineNumber is { } line)
        {
            text.Append("Line ").Append(line);
        }

        if (Column is not null)
        {
            text.Append(text.Length > 0 ? ", column '" : "Column '").Append(Column).Append('\'');
        }

        if (RawValue is not null)
        {
            text.Append(text.Length > 0 ? ", value '" : "Value '")
                .Append(RawValue.Length > 60 ? string.Concat(RawValue.AsSpan(0, 60), "…") : RawValue)
                .Append('\'');
        }

        return (text.Length > 0 ? text.Append(": ") : text).Append(Message).ToString();
    }
}
