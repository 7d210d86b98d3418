using System.Globalization;
using BulkData.Mapping;
using BulkData.Sinks;
using SkiaSharp;

namespace BulkData.Pdf;

/// <summary>
/// Writes a table report as PDF with SkiaSharp's PDF back end: a title, the generation time and an optional
/// description; the header row repeated on every page; column widths from the header and the first rows, landscape
/// when they need it; text wrapped between words; numbers right-aligned in their column's format, never wrapped and
/// shrunk rather than drawn past their cell; times readable, to the second; the title and number on every page. Pages are written as the
/// rows arrive, so memory does not grow with the number of rows, and reach the output asynchronously.
/// Dispose it (<c>await using</c>) when the export fails, to release its native resources at once.
/// </summary>
public sealed class PdfSink : IExportSink
{
    private const float Margin = 36;
    private const float Padding = 3;
    private static readonly SKColor Rule = new(0xC8, 0xC8, 0xC8);
    private static readonly SKColor HeaderFill = new(0xEE, 0xEE, 0xEE);

    private readonly Stream stream;
    private readonly bool ownsStream;
    private readonly PdfSinkOptions options;
    private readonly PdfOutput pages = new();
    private readonly SKDocument document;
    private readonly Native native;
    private readonly TextFonts.Typefaces typefaces;
    private readonly TextFonts body;
    private readonly TextFonts bold;
    private readonly TextFonts titleFont;
    private readonly SKPaint ink = new() { Color = SKColors.Black, IsAntialias = true };
    private readonly SKPaint lines = new() { Color = Rule, StrokeWidth = 0.5f, IsAntialias = true };
    private readonly SKPaint fill = new() { Color = HeaderFill };
    private float width;
    private float height;
    private readonly List<(string Text, bool Right)[]> pending = [];
    private readonly List<(string Text, bool Right)> row = [];
    private string[] headers = [];
    private float[]? columns;
    private bool[] numeric = [];
    private SKCanvas? page;
    private int pageNumber;
    private float y;

    private PdfSink(Stream stream, bool ownsStream, PdfSinkOptions? options)
    {
        this.options = options ?? new PdfSinkOptions();
        BulkDataConfigurationException.ThrowIfInvalid(this.options);

        this.stream = stream;
        this.ownsStream = ownsStream;
        typefaces = new TextFonts.Typefaces(this.options.FallbackFonts);
        body = new TextFonts(typefaces.Regular, typefaces.Fallbacks, this.options.FontSize);
        bold = new TextFonts(typefaces.Bold, typefaces.Fallbacks, this.options.FontSize);
        titleFont = new TextFonts(typefaces.Bold, typefaces.Fallbacks, this.options.FontSize * 1.75f);
        // Skia writes into memory, handed on asynchronously after each row (see DrainAsync): the output stream is
        // never called from native code, so neither a synchronous write nor an abandoned sink's finalizer reaches it.
        document = SKDocument.CreatePdf(pages, new SKDocumentPdfMetadata { Title = this.options.Title, Creator = "BulkData", Creation = this.options.Time.GetUtcNow().UtcDateTime });
        native = new Native(document, pages);
    }

    /// <inheritdoc/>
    public string Format => "pdf";

    /// <summary>Writes to a stream the caller owns; it is flushed, not closed.</summary>
    /// <param name="stream">The output.</param>
    /// <param name="options">The report's look; null for the defaults.</param>
    /// <returns>The sink.</returns>
    /// <exception cref="BulkDataConfigurationException">An option is out of range, or a fallback font cannot be read.</exception>
    public static PdfSink ToStream(Stream stream, PdfSinkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new PdfSink(stream, ownsStream: false, options);
    }

    /// <summary>Writes to a file, replacing it.</summary>
    /// <param name="path">The file's path.</param>
    /// <param name="options">The report's look; null for the defaults.</param>
    /// <returns>The sink.</returns>
    public static PdfSink ToFile(string path, PdfSinkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new PdfSink(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 65_536, FileOptions.Asynchronous), ownsStream: true, options);
    }

    /// <inheritdoc/>
    public ValueTask BeginAsync(IReadOnlyList<string> headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(headers);
        this.headers = [.. headers];
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void WriteCell<TValue>(TValue value, ValueConverter<TValue> converter, ValueFormat format)
    {
        ArgumentNullException.ThrowIfNull(converter);
        ArgumentNullException.ThrowIfNull(format);
        var text = format.Formats.Count == 0 && Readable(value, format.Culture) is { } readable ? readable : converter.Format(value, format);
        row.Add((text ?? string.Empty, IsNumber(typeof(TValue))));
    }

    /// <inheritdoc/>
    public void WriteEmptyCell() => row.Add((string.Empty, false));

    /// <inheritdoc/>
    public async ValueTask EndRowAsync(CancellationToken cancellationToken = default)
    {
        pending.Add([.. row]);
        row.Clear();
        if (columns is null && pending.Count < options.MeasuredRows)
        {
            return;
        }

        DrawPending();
        await DrainAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        DrawPending();
        if (page is null)
        {
            StartPage();
        }

        EndPage();
        document.Close();
        await DrainAsync(cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        native.Dispose();
        body.Dispose();
        bold.Dispose();
        titleFont.Dispose();
        typefaces.Dispose();
        ink.Dispose();
        lines.Dispose();
        fill.Dispose();
        if (ownsStream)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes what Skia has produced since the last call to the output, asynchronously.</summary>
    private ValueTask DrainAsync(CancellationToken cancellationToken) => pages.DrainToAsync(stream, cancellationToken);

    /// <summary>Numbers, not enums: an enum is drawn as its name, left-aligned like text.</summary>
    private static bool IsNumber(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return !underlying.IsEnum && Type.GetTypeCode(underlying) is >= TypeCode.SByte and <= TypeCode.Decimal;
    }

    /// <summary>
    /// A time without a pattern of its own as a person reads it, to the second and with its offset, in the column's
    /// culture (ISO dates for the invariant one): the round-trip form a file needs wraps into pieces in a report.
    /// </summary>
    private static string? Readable<TValue>(TValue value, CultureInfo culture) => value switch
    {
        DateTimeOffset at => at.ToString($"{DateTimePattern(culture)} zzz", culture),
        DateTime at => at.ToString(DateTimePattern(culture), culture),
        _ => null,
    };

    private static string DateTimePattern(CultureInfo culture) =>
        culture.Equals(CultureInfo.InvariantCulture) ? "yyyy-MM-dd HH:mm:ss" : $"{culture.DateTimeFormat.ShortDatePattern} {culture.DateTimeFormat.LongTimePattern}";

    /// <summary>Sizes the columns from what was collected (once), then draws the collected rows.</summary>
    private void DrawPending()
    {
        columns ??= SizeColumns();
        foreach (var cells in pending)
        {
            DrawRow(cells.Select(c => c.Text).ToArray(), cells.Select(c => c.Right).ToArray(), body, shaded: false);
        }

        pending.Clear();
    }

    /// <summary>
    /// Each column as wide as its widest header or measured cell, never narrower than its widest word (a third of the
    /// table at most) nor a number's width. The page turns to landscape, unless the options say otherwise, when those
    /// widths need more than one and a half portrait pages. When they do not fit the page, the columns narrower than
    /// an equal share of what is left keep their width, the wide ones share the rest equally (never below their
    /// minimum) and wrap their text; columns that still do not fit are narrowed alike, numbers shrunk to fit.
    /// </summary>
    private float[] SizeColumns()
    {
        var count = Math.Max(headers.Length, pending.Count == 0 ? 0 : pending.Max(r => r.Length));
        var natural = new float[count];
        var minimum = new float[count];
        numeric = new bool[count];
        for (var c = 0; c < count; c++)
        {
            var header = c < headers.Length ? headers[c] : string.Empty;
            var cells = pending.Where(r => c < r.Length).Select(r => r[c]).ToList();

            // Numbers never wrap: room for a few more digits than the measured rows had.
            var room = cells.Count > 0 && cells.All(cell => cell.Right) ? body.Measure("00,0") : 0;
            numeric[c] = room > 0;
            natural[c] = Math.Max(bold.Measure(header), cells.Select(cell => body.Measure(cell.Text) + room).DefaultIfEmpty(0).Max()) + (2 * Padding);
            var widestWord = cells.SelectMany(cell => cell.Text.Split(' ', '\n')).Select(body.Measure).DefaultIfEmpty(0).Max();
            minimum[c] = numeric[c] ? natural[c] : Math.Max(header.Split(' ').Select(bold.Measure).DefaultIfEmpty(0).Max(), widestWord) + (2 * Padding);
        }

        var landscape = options.Landscape ?? natural.Sum() > 1.5f * (options.PageWidth - (2 * Margin));
        (width, height) = landscape ? (options.PageHeight, options.PageWidth) : (options.PageWidth, options.PageHeight);
        var remaining = width - (2 * Margin);
        for (var c = 0; c < count; c++)
        {
            minimum[c] = numeric[c] ? minimum[c] : Math.Min(minimum[c], remaining / 3);
        }

        var wide = Enumerable.Range(0, count).ToList();
        while (wide.Count > 0)
        {
            var share = remaining / wide.Count;
            var narrow = wide.Where(c => natural[c] <= share).ToList();
            if (narrow.Count == 0)
            {
                wide.ForEach(c => natural[c] = Math.Max(share, minimum[c]));
                break;
            }

            remaining -= narrow.Sum(c => natural[c]);
            wide.RemoveAll(narrow.Contains);
        }

        var overflow = natural.Sum() / (width - (2 * Margin));
        return overflow > 1 ? [.. natural.Select(w => w / overflow)] : natural;
    }

    private void DrawRow(string[] texts, bool[] right, TextFonts fonts, bool shaded)
    {
        var widths = columns!;
        var wrapped = new List<string>[widths.Length];
        var lineCount = 1;
        for (var c = 0; c < widths.Length; c++)
        {
            var text = c < texts.Length ? texts[c] : string.Empty;
            wrapped[c] = c < right.Length && right[c] ? [text] : Wrap(text, widths[c] - (2 * Padding), fonts);
            lineCount = Math.Max(lineCount, wrapped[c].Count);
        }

        // A row taller than a page is cut to what one page holds.
        var maxLines = (int)((height - (2 * Margin) - (4 * fonts.LineHeight)) / fonts.LineHeight);
        lineCount = Math.Min(lineCount, Math.Max(1, maxLines));
        var rowHeight = (lineCount * fonts.LineHeight) + (2 * Padding);
        if (page is null || (!shaded && y + rowHeight > height - Margin - fonts.LineHeight))
        {
            if (page is not null)
            {
                EndPage();
            }

            StartPage();
        }

        var canvas = page!;
        var x = Margin;
        if (shaded)
        {
            canvas.DrawRect(Margin, y, widths.Sum(), rowHeight, fill);
        }

        for (var c = 0; c < widths.Length; c++)
        {
            var baseline = y + Padding + fonts.Ascent;
            foreach (var line in wrapped[c].Take(lineCount))
            {
                if (c < right.Length && right[c])
                {
                    DrawNumber(canvas, line, fonts, x, widths[c], baseline);
                }
                else
                {
                    fonts.Draw(canvas, line, x + Padding, baseline, ink);
                }

                baseline += fonts.LineHeight;
            }

            x += widths[c];
        }

        y += rowHeight;
        canvas.DrawLine(Margin, y, Margin + widths.Sum(), y, lines);
    }

    /// <summary>A number right-aligned in its cell, shrunk sideways when it is wider than the cell, never drawn past it.</summary>
    private void DrawNumber(SKCanvas canvas, string text, TextFonts fonts, float x, float cellWidth, float baseline)
    {
        var room = cellWidth - (2 * Padding);
        var measured = fonts.Measure(text);
        if (measured <= room)
        {
            fonts.Draw(canvas, text, x + cellWidth - Padding - measured, baseline, ink);
            return;
        }

        canvas.Save();
        canvas.Scale(room / measured, 1, x + Padding, baseline);
        fonts.Draw(canvas, text, x + Padding, baseline, ink);
        canvas.Restore();
    }

    /// <summary>Breaks text into lines that fit: at line breaks, then between words, and inside a word too long for a line.</summary>
    private static List<string> Wrap(string text, float room, TextFonts fonts)
    {
        if (!text.Contains('\n', StringComparison.Ordinal) && !text.Contains('\r', StringComparison.Ordinal) && fonts.Measure(text) <= room)
        {
            return [text];
        }

        var result = new List<string>();
        foreach (var paragraph in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var current = string.Empty;
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (fonts.Measure(candidate) <= room)
                {
                    current = candidate;
                    continue;
                }

                if (current.Length > 0)
                {
                    result.Add(current);
                }

                current = word;
                while (current.Length > 1 && fonts.Measure(current) > room)
                {
                    // The longest start of the word that fits, found by halving: a few measurements, not one per character.
                    int fits = 1, over = current.Length;
                    while (over - fits > 1)
                    {
                        var middle = (fits + over) / 2;
                        (fits, over) = fonts.Measure(current[..middle]) <= room ? (middle, over) : (fits, middle);
                    }

                    result.Add(current[..fits]);
                    current = current[fits..];
                }
            }

            result.Add(current);
        }

        return result;
    }

    private void StartPage()
    {
        page = document.BeginPage(width, height);
        Native.Keep(page);
        pageNumber++;
        y = Margin;
        if (pageNumber == 1)
        {
            titleFont.Draw(page, options.Title, Margin, y + titleFont.Ascent, ink);
            y += titleFont.LineHeight;
            var culture = options.Culture;
            var pattern = culture.Equals(CultureInfo.InvariantCulture) ? "yyyy-MM-dd HH:mm" : $"{culture.DateTimeFormat.ShortDatePattern} {culture.DateTimeFormat.ShortTimePattern}";
            var generated = $"Generated {options.Time.GetUtcNow().UtcDateTime.ToString(pattern, culture)} UTC";
            foreach (var line in options.Description is { } description ? [description, generated] : new[] { generated })
            {
                body.Draw(page, line, Margin, y + body.Ascent, ink);
                y += body.LineHeight;
            }

            y += body.LineHeight;
        }

        DrawRow(headers, numeric, bold, shaded: true);
    }

    private void EndPage()
    {
        // The footer: the title on the left, the page's number on the right (the count of pages is unknown while streaming).
        var label = string.Create(options.Culture, $"Page {pageNumber}");
        body.Draw(page!, options.Title, Margin, height - (Margin / 2), ink);
        body.Draw(page!, label, width - Margin - body.Measure(label), height - (Margin / 2), ink);
        document.EndPage();
        page = null;
    }

    /// <summary>
    /// Releases the document before the stream it writes to, also when a sink is abandoned without being
    /// disposed: left to their own finalizers, in no set order, a document with an open page outliving its
    /// stream faults the process. Their finalizers are suppressed and this one finalizer releases both, in order.
    /// </summary>
    private sealed class Native : IDisposable
    {
        private readonly SKDocument document;
        private readonly PdfOutput stream;

        public Native(SKDocument document, PdfOutput stream)
        {
            this.document = document;
            this.stream = stream;
            Keep(document);
            Keep(stream);
        }

        ~Native() => Release(abandoned: true);

        /// <summary>Leaves an object's release to this owner.</summary>
#pragma warning disable CA1816 // Another object's finalizer is suppressed on purpose: this class releases it.
        public static void Keep(SKObject native) => GC.SuppressFinalize(native);
#pragma warning restore CA1816

        public void Dispose()
        {
            Release(abandoned: false);
            GC.SuppressFinalize(this);
        }

        private void Release(bool abandoned)
        {
            if (abandoned)
            {
                document.Abort();
            }

            document.Dispose();
            stream.Dispose();
        }
    }
}
