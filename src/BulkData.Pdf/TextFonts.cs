using System.Reflection;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace BulkData.Pdf;

/// <summary>
/// The fonts of a report at one size and how a string is measured and drawn with them: split into runs by the first
/// font that has each character, and shaped with HarfBuzz where the script needs it (Arabic joins, right to left).
/// The typefaces are <see cref="Typefaces"/>'s, shared by every size and weight: a PDF embeds each typeface object
/// once, so a typeface loaded twice (the bold of the header and of the title) would be embedded twice.
/// </summary>
internal sealed class TextFonts : IDisposable
{
    private readonly Face[] faces;

    public TextFonts(SKTypeface primary, IEnumerable<SKTypeface> fallbacks, float size)
    {
        faces = [new Face(primary, size), .. fallbacks.Select(typeface => new Face(typeface, size))];
        LineHeight = faces[0].Font.Spacing;
        Ascent = -faces[0].Font.Metrics.Ascent;
    }

    public float LineHeight { get; }

    public float Ascent { get; }

    public float Measure(string text)
    {
        var width = 0f;
        foreach (var (face, run) in Runs(text))
        {
            width += NeedsShaping(run) ? face.Shaper.Shape(run, face.Font).Width : face.Font.MeasureText(run);
        }

        return width;
    }

    public void Draw(SKCanvas canvas, string text, float x, float baseline, SKPaint paint)
    {
        foreach (var (face, run) in Runs(text))
        {
            if (NeedsShaping(run))
            {
                canvas.DrawShapedText(face.Shaper, run, x, baseline, SKTextAlign.Left, face.Font, paint);
                x += face.Shaper.Shape(run, face.Font).Width;
            }
            else
            {
                canvas.DrawText(run, x, baseline, SKTextAlign.Left, face.Font, paint);
                x += face.Font.MeasureText(run);
            }
        }
    }

    public void Dispose()
    {
        foreach (var face in faces)
        {
            face.Dispose();
        }
    }


    /// <summary>Scripts whose letters change shape with their neighbours or run right to left.</summary>
    private static bool NeedsShaping(string run)
    {
        foreach (var c in run)
        {
            if (c is >= '\u0590' and <= '\u08FF' or >= '\u0900' and <= '\u0DFF' or >= '\uFB1D' and <= '\uFEFF')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The text cut where the font that has the next character changes.</summary>
    private IEnumerable<(Face Face, string Run)> Runs(string text)
    {
        if (faces.Length == 1 || faces[0].Covers(text))
        {
            yield return (faces[0], text);
            yield break;
        }

        var start = 0;
        Face? current = null;
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            var codePoint = char.ConvertToUtf32(text, i);
            var face = Array.Find(faces, f => f.Font.ContainsGlyph(codePoint)) ?? faces[0];
            if (current is not null && face != current)
            {
                yield return (current, text[start..i]);
                start = i;
            }

            current = face;
        }

        if (current is not null)
        {
            yield return (current, text[start..]);
        }
    }

    private sealed class Face(SKTypeface typeface, float size) : IDisposable
    {
        public SKFont Font { get; } = new(typeface, size);

        public SKShaper Shaper { get; } = new(typeface);

        public bool Covers(string text) => Font.ContainsGlyphs(text);

        public void Dispose()
        {
            Shaper.Dispose();
            Font.Dispose();
        }
    }

    /// <summary>The typefaces of a report, each loaded once: DejaVu Sans and its bold (built in), and the caller's fallbacks.</summary>
    public sealed class Typefaces : IDisposable
    {
        public Typefaces(IEnumerable<string> fallbackFonts)
        {
            Regular = BuiltIn("BulkData.Pdf.DejaVuSans.ttf");
            Bold = BuiltIn("BulkData.Pdf.DejaVuSans-Bold.ttf");
            try
            {
                Fallbacks = fallbackFonts.Select(Load).ToArray();
            }
            catch
            {
                Regular.Dispose();
                Bold.Dispose();
                throw;
            }
        }

        public SKTypeface Regular { get; }

        public SKTypeface Bold { get; }

        public SKTypeface[] Fallbacks { get; }

        public void Dispose()
        {
            Regular.Dispose();
            Bold.Dispose();
            foreach (var typeface in Fallbacks)
            {
                typeface.Dispose();
            }
        }

        private static SKTypeface BuiltIn(string name)
        {
            using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The built-in font {name} is missing from BulkData.Pdf.");
            return SKTypeface.FromStream(resource);
        }

        private static SKTypeface Load(string file) =>
            SKTypeface.FromFile(file) ?? throw new BulkDataConfigurationException(nameof(PdfSinkOptions.FallbackFonts), $"The font file '{file}' could not be read as a TrueType or OpenType font.");
    }
}
