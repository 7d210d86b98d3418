using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace BulkData.Pdf;

/// <summary>How a PDF report looks: title, page, font size and the fonts for scripts the built-in font lacks.</summary>
public sealed class PdfSinkOptions
{
    /// <summary>The report's title, on the first page and in the document's properties. Default: <c>Export</c>.</summary>
    public string Title { get; set; } = "Export";

    /// <summary>A line under the title, e.g. the filter the rows were chosen with. Default: null, none.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// True for landscape pages, false for portrait. Default: null, chosen from the columns: landscape when their
    /// widths (the header and the measured rows) need more than one and a half portrait pages.
    /// </summary>
    public bool? Landscape { get; set; }

    /// <summary>The culture of the report's own texts, such as the generation time. Default: the invariant culture (ISO dates).</summary>
    public CultureInfo Culture { get; set; } = CultureInfo.InvariantCulture;

    /// <summary>The page's width in points, portrait. Default: A4, 595.28.</summary>
    [Range(144, 14_400)]
    public float PageWidth { get; set; } = 595.28f;

    /// <summary>The page's height in points, portrait. Default: A4, 841.89.</summary>
    [Range(144, 14_400)]
    public float PageHeight { get; set; } = 841.89f;

    /// <summary>The size of the table's text, in points. Default: 8.</summary>
    [Range(4, 72)]
    public float FontSize { get; set; } = 8;

    /// <summary>
    /// Font files (TrueType or OpenType) tried, in order, for characters the built-in DejaVu Sans lacks, e.g. a
    /// CJK font such as Noto Sans CJK. Default: empty. A character no font has is drawn as the font's box.
    /// </summary>
    public IList<string> FallbackFonts { get; } = [];

    /// <summary>How many rows are measured to size the columns before the first page is drawn. Default: 200.</summary>
    [Range(1, 100_000)]
    public int MeasuredRows { get; set; } = 200;

    /// <summary>The clock for the generation time printed under the title. Default: the system clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
}
