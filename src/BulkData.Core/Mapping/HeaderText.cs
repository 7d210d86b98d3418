namespace BulkData.Mapping;

/// <summary>
/// Compares header text the way people write it. Hand-written because no package on our registry
/// offers string similarity, and the two functions below are all the matcher needs.
/// </summary>
internal static class HeaderText
{
    /// <summary>
    /// Folds a header to its letters and digits in lower case, so that <c>Unit Price</c>,
    /// <c>unit_price</c>, <c>UNIT-PRICE</c> and <c>unit.price</c> compare equal.
    /// </summary>
    /// <param name="text">The header text.</param>
    /// <returns>The normalised form.</returns>
    public static string Normalize(ReadOnlySpan<char> text)
    {
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var length = 0;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..length]);
    }

    /// <inheritdoc cref="Normalize(ReadOnlySpan{char})"/>
    public static string Normalize(string text) => Normalize(text.AsSpan());

    /// <summary>
    /// Scores how alike two headers are, from 0 (nothing alike) to 1 (equal once normalised):
    /// one minus the edit distance of the normalised forms (a swap of neighbouring letters is one edit) over the longer length.
    /// </summary>
    /// <param name="left">One header.</param>
    /// <param name="right">The other header.</param>
    /// <returns>The similarity score.</returns>
    public static double Similarity(string left, string right)
    {
        var a = Normalize(left);
        var b = Normalize(right);
        var longest = Math.Max(a.Length, b.Length);
        return longest == 0 ? 0 : 1.0 - ((double)EditDistance(a, b) / longest);
    }

    /// <summary>
    /// True when every word of <paramref name="header"/> is a word of <paramref name="name"/>, misspelt by
    /// little (similarity of 0.75 or more) or abbreviated (a prefix of three letters or more). Words are split
    /// at spaces and punctuation, between a lower-case letter and a capital, and between letters and digits.
    /// </summary>
    internal static bool WordsAgree(string header, string name)
    {
        var words = Words(name);
        return Words(header).All(word => words.Any(other =>
            (word.Length >= 3 && other.StartsWith(word, StringComparison.Ordinal)) || Similarity(word, other) >= 0.75));
    }

    private static List<string> Words(string text)
    {
        var words = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var boundary = i == text.Length || !char.IsLetterOrDigit(text[i])
                || (i > 0 && char.IsLower(text[i - 1]) && char.IsUpper(text[i]))
                || (i > 0 && char.IsLetterOrDigit(text[i - 1]) && char.IsDigit(text[i - 1]) != char.IsDigit(text[i]));
            if (boundary && start >= 0)
            {
                words.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }

            if (i < text.Length && char.IsLetterOrDigit(text[i]) && start < 0)
            {
                start = i;
            }
        }

        return words;
    }

    /// <summary>Edit distance counting a swap of two neighbouring letters as one edit (optimal string alignment).</summary>
    private static int EditDistance(string a, string b)
    {
        var before = new int[b.Length + 1];
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    current[j] = Math.Min(current[j], before[j - 2] + 1);
                }
            }

            (before, previous, current) = (previous, current, before);
        }

        return previous[b.Length];
    }
}
