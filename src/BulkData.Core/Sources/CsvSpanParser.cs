namespace BulkData.Sources;

/// <summary>
/// An RFC 4180 CSV parser that exposes each field as a span of its buffer, so converters parse numbers,
/// dates and GUIDs without a string per field. Hand-written because CsvHelper's parser makes a string
/// for every field, and the span-based parsers (Sep, Sylvan) are not on our package registry. Used for
/// the default dialect; a source with <see cref="CsvSourceOptions.Configure"/> set reads with CsvHelper.
/// </summary>
internal sealed class CsvSpanParser(TextReader reader, int maxFieldLength)
{
    private const char Quote = '"';
    private char[] buffer = new char[65_536];
    private char[] unescaped = new char[1_024];
    private int start;
    private int next;
    private int end;
    private bool endOfInput;
    private int[] fieldStart = new int[16];
    private int[] fieldLength = new int[16];
    private byte[] fieldKind = new byte[16];
    private int unescapedLength;

    private enum Parse
    {
        Record,
        NeedMore,
        End,
    }

    /// <summary>The delimiter; set it before the first read, or detect it.</summary>
    public char Delimiter { get; set; } = ',';

    /// <summary>The number of fields of the current record.</summary>
    public int Count { get; private set; }

    /// <summary>The 1-based line the current record starts on.</summary>
    public long RecordLine { get; private set; }

    /// <summary>The line the next record starts on.</summary>
    public long Line { get; private set; } = 1;

    /// <summary>The field holding a stray or unclosed quote, or -1.</summary>
    public int BadQuoteField { get; private set; } = -1;

    /// <summary>True when <see cref="BadQuoteField"/> opens a quote that is never closed.</summary>
    public bool Unterminated { get; private set; }

    /// <summary>A field of the current record, valid until the next read.</summary>
    public ReadOnlySpan<char> this[int index]
    {
        get
        {
            switch (fieldKind[index])
            {
                case 3:
                    return unescaped.AsSpan(fieldStart[index], fieldLength[index]);
                case < 2:
                    return buffer.AsSpan(fieldStart[index], fieldLength[index]);
            }

            // A quoted field with doubled quotes: unescape once, into the record's scratch buffer.
            var raw = buffer.AsSpan(fieldStart[index], fieldLength[index]);
            if (unescapedLength + raw.Length > unescaped.Length)
            {
                Array.Resize(ref unescaped, Math.Max(unescaped.Length * 2, unescapedLength + raw.Length));
            }

            var target = unescaped.AsSpan(unescapedLength);
            var written = 0;
            for (var i = 0; i < raw.Length; i++)
            {
                target[written++] = raw[i];
                if (raw[i] == Quote && i + 1 < raw.Length && raw[i + 1] == Quote)
                {
                    i++;
                }
            }

            fieldStart[index] = unescapedLength;
            fieldLength[index] = written;
            fieldKind[index] = 3;
            unescapedLength += written;
            return unescaped.AsSpan(fieldStart[index], written);
        }
    }

    /// <summary>
    /// Detects the delimiter from the first line that is not blank (blank lines before the header are
    /// skipped like any other): the most frequent of comma, semicolon, tab and pipe outside quotes.
    /// </summary>
    public async ValueTask DetectDelimiterAsync(CancellationToken cancellationToken)
    {
        await FillAsync(cancellationToken).ConfigureAwait(false);
        int commas = 0, semicolons = 0, tabs = 0, pipes = 0;
        var quoted = false;
        var text = buffer.AsSpan(start, end - start);
        foreach (var c in text.TrimStart("\r\n".AsSpan()))
        {
            if (c == Quote)
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                break;
            }
            else if (!quoted)
            {
                commas += c == ',' ? 1 : 0;
                semicolons += c == ';' ? 1 : 0;
                tabs += c == '\t' ? 1 : 0;
                pipes += c == '|' ? 1 : 0;
            }
        }

        var best = Math.Max(Math.Max(commas, semicolons), Math.Max(tabs, pipes));
        Delimiter = best == 0 || best == commas ? ',' : best == semicolons ? ';' : best == tabs ? '\t' : '|';
    }

    /// <summary>Reads the next record, blank lines skipped.</summary>
    /// <exception cref="ImportSourceException">A field is longer than the limit.</exception>
    public async ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        start = next;
        while (true)
        {
            switch (TryParse())
            {
                case Parse.Record:
                    if (Count == 1 && fieldLength[0] == 0 && fieldKind[0] == 0 && BadQuoteField < 0)
                    {
                        start = next;
                        continue;
                    }

                    return true;
                case Parse.End:
                    return false;
                default:
                    await FillAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private Parse TryParse()
    {
        var span = buffer.AsSpan(0, end);
        var position = start;
        var lines = 0L;
        Count = 0;
        BadQuoteField = -1;
        Unterminated = false;
        unescapedLength = 0;
        if (position >= end && endOfInput)
        {
            return Parse.End;
        }

        while (true)
        {
            if (position >= end && !endOfInput)
            {
                return Parse.NeedMore;
            }

            int contentStart, contentEnd;
            byte kind = 0;
            if (position < end && span[position] == Quote)
            {
                kind = 1;
                contentStart = position + 1;
                var scan = contentStart;
                while (true)
                {
                    var found = span[scan..end].IndexOf(Quote);
                    if (found < 0)
                    {
                        if (!endOfInput)
                        {
                            return CheckLength(contentStart, end, lines + Breaks(span[contentStart..end]));
                        }

                        // Never closed: the rest of the input is this field.
                        contentEnd = end;
                        BadQuoteField = Count;
                        Unterminated = true;
                        break;
                    }

                    var quote = scan + found;
                    if (quote + 1 >= end && !endOfInput)
                    {
                        return Parse.NeedMore;
                    }

                    if (quote + 1 < end && span[quote + 1] == Quote)
                    {
                        kind = 2;
                        scan = quote + 2;
                        continue;
                    }

                    contentEnd = quote;
                    break;
                }

                lines += Breaks(span[contentStart..contentEnd]);
                position = Unterminated ? end : contentEnd + 1;

                // Text after the closing quote is bad data, kept in the field as CsvHelper does.
                var rest = position < end ? span[position..end].IndexOfAny(Delimiter, '\r', '\n') : 0;
                if (rest < 0 && !endOfInput)
                {
                    return Parse.NeedMore;
                }

                if (rest != 0)
                {
                    var stop = rest < 0 ? end : position + rest;
                    BadQuoteField = BadQuoteField < 0 ? Count : BadQuoteField;
                    contentStart--;
                    contentEnd = stop;
                    kind = 0;
                    position = stop;
                }
            }
            else
            {
                contentStart = position;
                var stop = span[position..end].IndexOfAny(Delimiter, '\r', '\n');
                if (stop < 0 && !endOfInput)
                {
                    return CheckLength(contentStart, end, lines);
                }

                contentEnd = stop < 0 ? end : position + stop;
                if (BadQuoteField < 0 && span[contentStart..contentEnd].Contains(Quote))
                {
                    BadQuoteField = Count;
                }

                position = contentEnd;
            }

            if (contentEnd - contentStart > maxFieldLength)
            {
                throw TooLong(Line + lines);
            }

            AddField(contentStart, contentEnd - contentStart, kind);
            if (position >= end)
            {
                // The last record, without a line break.
                Finish(end, lines);
                return Parse.Record;
            }

            var separator = span[position];
            if (separator == Delimiter)
            {
                position++;
                continue;
            }

            if (separator == '\r' && position + 1 >= end && !endOfInput)
            {
                return Parse.NeedMore;
            }

            position += separator == '\r' && position + 1 < end && span[position + 1] == '\n' ? 2 : 1;
            Finish(position, lines + 1);
            return Parse.Record;
        }
    }

    private Parse CheckLength(int fieldBegin, int upTo, long lines)
    {
        if (upTo - fieldBegin > maxFieldLength)
        {
            throw TooLong(Line + lines);
        }

        return Parse.NeedMore;
    }

    private ImportSourceException TooLong(long line) =>
        new($"A value on line {line} is longer than the limit of {maxFieldLength:N0} characters. Check for a quote that is never closed, or raise CsvSourceOptions.MaxFieldLength.")
        { LineNumber = line };

    private void Finish(int position, long lines)
    {
        RecordLine = Line;
        Line += lines;
        next = position;
    }

    private void AddField(int fieldBegin, int length, byte kind)
    {
        if (Count == fieldStart.Length)
        {
            Array.Resize(ref fieldStart, Count * 2);
            Array.Resize(ref fieldLength, Count * 2);
            Array.Resize(ref fieldKind, Count * 2);
        }

        fieldStart[Count] = fieldBegin;
        fieldLength[Count] = length;
        fieldKind[Count] = kind;
        Count++;
    }

    /// <summary>Line breaks inside a quoted value: CRLF, LF and a lone CR each count once.</summary>
    internal static long Breaks(ReadOnlySpan<char> text)
    {
        var breaks = text.Count('\n');
        var carriageReturns = text.Count('\r');
        return carriageReturns == 0 ? breaks : breaks + carriageReturns - text.Count("\r\n".AsSpan());
    }

    /// <summary>Moves the unread part of the buffer to its start (growing it when one record fills it) and reads more.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        if (start > 0)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            next -= start;
            start = 0;
        }

        if (end == buffer.Length)
        {
            Array.Resize(ref buffer, buffer.Length * 2);
        }

        var read = await reader.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
        end += read;
        endOfInput = read == 0;
    }
}
