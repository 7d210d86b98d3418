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

    // Words that join others in a header and name nothing ("Date of birth"), in the languages headers come in most.
    private static readonly HashSet<string> Fillers = ["of", "the", "a", "an", "for", "in", "on", "at", "by", "de", "du", "des", "la", "le", "der", "die", "das", "von", "del"];

    // Abbreviations a header uses for a word a model spells out; anything else abbreviated is a prefix (Desc, Addr).
    private static readonly Dictionary<string, string> Abbreviations = new(StringComparer.Ordinal)
    {
        ["qty"] = "quantity", ["amt"] = "amount", ["no"] = "number", ["nr"] = "number", ["num"] = "number",
        ["tel"] = "phone", ["telephone"] = "phone", ["mail"] = "email", ["pct"] = "percent",
    };

    /// <summary>
    /// Scores how alike two headers are, from 0 (nothing alike) to 1 (equal once normalised): the better of their
    /// letters (one minus the edit distance of the normalised forms, a swap of neighbouring letters one edit, over
    /// the longer length) and their words (the share of words that agree, whatever their order, filler words such
    /// as "of" left out and common abbreviations read in full, so "Email of the author" scores 1 with AuthorEmail).
    /// </summary>
    /// <param name="left">One header.</param>
    /// <param name="right">The other header.</param>
    /// <returns>The similarity score.</returns>
    public static double Similarity(string left, string right) => Similarity(left, Terms(left), right, Terms(right));

    /// <summary>The same, with each side's words (<see cref="Terms"/>) found once by a caller comparing one header with many names.</summary>
    internal static double Similarity(string left, IReadOnlyList<string> leftTerms, string right, IReadOnlyList<string> rightTerms) =>
        Math.Max(LetterSimilarity(left, right), WordSimilarity(leftTerms, rightTerms));

    /// <summary>
    /// True when every word of <paramref name="header"/> is a word of <paramref name="name"/>, misspelt by
    /// little (similarity of 0.75 or more) or abbreviated (a prefix of three letters or more). Words are split
    /// at spaces and punctuation, between a lower-case letter and a capital, and between letters and digits;
    /// filler words are left out and common abbreviations read in full.
    /// </summary>
    internal static bool WordsAgree(string header, string name)
    {
        var words = Terms(name);
        return Terms(header).All(word => words.Any(other => Agree(word, other)));
    }

    private static double LetterSimilarity(string left, string right)
    {
        var a = Normalize(left);
        var b = Normalize(right);
        var longest = Math.Max(a.Length, b.Length);
        return longest == 0 ? 0 : 1.0 - ((double)EditDistance(a, b) / longest);
    }

    /// <summary>The words of one that agree with a word of the other (each used once), over the larger number of words.</summary>
    private static double WordSimilarity(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        if (a.Count < 2 && b.Count < 2)
        {
            // One word each: the letters already say it all, unless an abbreviation read in full makes them equal.
            return a.Count == 1 && b.Count == 1 && a[0] == b[0] ? 1 : 0;
        }

        // Headers have a handful of words; a wide file compares thousands of headers with every name.
        Span<bool> used = b.Count <= 64 ? stackalloc bool[b.Count] : new bool[b.Count];
        var agreeing = 0;
        foreach (var word in a)
        {
            for (var o = 0; o < b.Count; o++)
            {
                if (!used[o] && Agree(word, b[o]))
                {
                    used[o] = true;
                    agreeing++;
                    break;
                }
            }
        }

        return (double)agreeing / Math.Max(a.Count, b.Count);
    }

    private static bool Agree(string word, string other) =>
        word == other || (word.Length >= 3 && other.StartsWith(word, StringComparison.Ordinal)) || LetterSimilarity(word, other) >= 0.75;

    /// <summary>A header's words as compared: "E-mail" one word, filler words left out, known abbreviations in full.</summary>
    internal static List<string> Terms(string text)
    {
        var words = Words(text.Replace("e-mail", "email", StringComparison.OrdinalIgnoreCase));
        var terms = words.Where(w => !Fillers.Contains(w)).Select(w => Abbreviations.GetValueOrDefault(w, w)).ToList();
        return terms.Count == 0 ? words : terms;
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
