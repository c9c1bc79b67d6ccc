namespace Agentic.IngressGateway.Webhooks;

/// <summary>
/// What a reader of a comment sees, line by line, as Markdown renders it (GitHub, Linear; Slack's mrkdwn with
/// <see cref="Dialect.Slack"/>): HTML comments are invisible; fenced and indented code blocks, blockquotes (with
/// their lazy continuation lines) and inline code are visible but are not the author speaking to the agent. One pass,
/// linear in the text (no regular expressions), so hostile input costs what its length costs.
/// </summary>
/// <remarks>
/// Where Markdown is ambiguous the reading is the strict one: a line indented four columns or more is code even when it
/// would continue a paragraph, and an unterminated fence or HTML comment runs to the end of the text.
/// </remarks>
public static class VisibleText
{
    public const string InHtmlComment = "inside an HTML comment";
    public const string InCodeBlock = "inside a code block";
    public const string InIndentedCode = "inside an indented code block";
    public const string InBlockquote = "inside a blockquote";
    public const string InInlineCode = "inside inline code";

    public enum Dialect
    {
        Markdown = 0,

        /// <summary>Slack escapes <c>&gt;</c> in message text: a quote line starts with <c>&amp;gt;</c>.</summary>
        Slack = 1,
    }

    /// <summary>Splits <paramref name="text"/> into the paragraph lines a reader sees and the hidden parts (with why each is hidden).</summary>
    public static IReadOnlyList<Line> Read(string text, Dialect dialect = Dialect.Markdown)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            lines[n] = lines[n].TrimEnd('\r');
        }

        var result = new List<Line>(lines.Length);
        var paragraph = new List<string>();
        var i = 0;
        var inComment = false;
        while (i < lines.Length)
        {
            var line = lines[i];
            if (inComment)
            {
                var end = line.IndexOf("-->", StringComparison.Ordinal);
                if (end < 0)
                {
                    result.Add(Line.Hidden(line, InHtmlComment));
                    i++;
                    continue;
                }

                // What follows the comment on its last line is read as a line of its own.
                result.Add(Line.Hidden(line[..end], InHtmlComment));
                line = lines[i] = line[(end + 3)..];
                inComment = false;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                i++;
                continue;
            }

            if (Indentation(line) >= 4)
            {
                result.Add(Line.Hidden(line, InIndentedCode));
                i++;
                continue;
            }

            var content = line.TrimStart(' ', '\t');
            if (Fence(content) is { } fence)
            {
                result.Add(Line.Hidden(line, InCodeBlock));
                i++;
                while (i < lines.Length && !Closes(lines[i], fence))
                {
                    result.Add(Line.Hidden(lines[i], InCodeBlock));
                    i++;
                }

                if (i < lines.Length)
                {
                    result.Add(Line.Hidden(lines[i], InCodeBlock));
                    i++;
                }

                continue;
            }

            if (IsQuote(content, dialect))
            {
                // A quote runs to the next blank line: Markdown's lazy continuation keeps unmarked lines inside it.
                do
                {
                    result.Add(Line.Hidden(lines[i], InBlockquote));
                    i++;
                }
                while (i < lines.Length && !string.IsNullOrWhiteSpace(lines[i]) &&
                       (IsQuote(lines[i].TrimStart(' ', '\t'), dialect) || (Indentation(lines[i]) < 4 && Fence(lines[i].TrimStart(' ', '\t')) is null)));
                continue;
            }

            // A paragraph: consecutive plain lines; inline code and comments may span its lines.
            paragraph.Clear();
            while (i < lines.Length && !string.IsNullOrWhiteSpace(lines[i]) && Indentation(lines[i]) < 4)
            {
                var next = lines[i].TrimStart(' ', '\t');
                if (paragraph.Count > 0 && (Fence(next) is not null || IsQuote(next, dialect)))
                {
                    break;
                }

                paragraph.Add(lines[i]);
                i++;
            }

            inComment = ReadParagraph(paragraph, result);
        }

        return result;
    }

    /// <summary>Reads a paragraph's inline code and HTML comments; true when an HTML comment is still open at its end.</summary>
    private static bool ReadParagraph(List<string> lines, List<Line> result)
    {
        // Every backtick run, in order; a run opens inline code only if a later run of the same length closes it.
        var runs = new List<(int Line, int Position, int Length)>();
        for (var l = 0; l < lines.Count; l++)
        {
            var line = lines[l];
            for (var p = 0; p < line.Length; p++)
            {
                if (line[p] != '`')
                {
                    continue;
                }

                var start = p;
                while (p + 1 < line.Length && line[p + 1] == '`')
                {
                    p++;
                }

                runs.Add((l, start, p - start + 1));
            }
        }

        var closer = new int[runs.Count];
        var lastOfLength = new Dictionary<int, int>();
        for (var k = runs.Count - 1; k >= 0; k--)
        {
            closer[k] = lastOfLength.TryGetValue(runs[k].Length, out var j) ? j : -1;
            lastOfLength[runs[k].Length] = k;
        }

        var run = 0;
        var openCode = -1;
        var inComment = false;
        var text = new System.Text.StringBuilder();
        var plain = new System.Text.StringBuilder();
        for (var l = 0; l < lines.Count; l++)
        {
            var line = lines[l];
            text.Clear();
            plain.Clear();
            // A comment is invisible: what follows it on the line is where the line starts for a reader.
            string? startHidden = openCode >= 0 ? InInlineCode : null;
            var hidden = new List<(string Text, string Reason)>();
            var position = 0;
            var nextComment = -2;
            var leading = true;
            while (position < line.Length)
            {
                if (openCode >= 0)
                {
                    var close = runs[openCode];
                    var end = close.Line == l ? close.Position : line.Length;
                    hidden.Add((line[position..end], InInlineCode));
                    text.Append(line, position, end - position);
                    if (close.Line != l)
                    {
                        position = line.Length;
                        break;
                    }

                    text.Append('`', close.Length);
                    position = end + close.Length;
                    run = openCode + 1;
                    openCode = -1;
                    leading = false;
                    continue;
                }

                if (inComment)
                {
                    var end = line.IndexOf("-->", position, StringComparison.Ordinal);
                    hidden.Add((line[position..(end < 0 ? line.Length : end)], InHtmlComment));
                    if (end < 0)
                    {
                        position = line.Length;
                        break;
                    }

                    position = end + 3;
                    inComment = false;
                    nextComment = -2;
                    while (run < runs.Count && (runs[run].Line < l || (runs[run].Line == l && runs[run].Position < position)))
                    {
                        run++;
                    }

                    continue;
                }

                if (nextComment != -1 && nextComment < position)
                {
                    nextComment = line.IndexOf("<!--", position, StringComparison.Ordinal);
                }

                var nextRun = run < runs.Count && runs[run].Line == l ? runs[run].Position : -1;
                var stop = Math.Min(nextComment < 0 ? line.Length : nextComment, nextRun < 0 ? line.Length : nextRun);
                if (stop > position)
                {
                    var segment = line.AsSpan(position, stop - position);
                    text.Append(segment);
                    plain.Append(segment);
                    leading &= segment.IsWhiteSpace();
                    position = stop;
                    continue;
                }

                if (stop == nextComment)
                {
                    inComment = true;
                    position += 4;
                    continue;
                }

                // A backtick run: inline code when something closes it, literal backticks otherwise.
                var opener = runs[run];
                if (closer[run] >= 0)
                {
                    startHidden ??= leading ? InInlineCode : null;
                    openCode = closer[run];
                    text.Append('`', opener.Length);
                }
                else
                {
                    text.Append('`', opener.Length);
                    plain.Append('`', opener.Length);
                    run++;
                }

                leading = false;
                position = opener.Position + opener.Length;
            }

            result.Add(new Line(text.ToString(), plain.ToString(), startHidden, hidden));
        }

        return inComment;
    }

    private static int Indentation(string line)
    {
        var columns = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                columns++;
            }
            else if (c == '\t')
            {
                columns += 4 - (columns % 4);
            }
            else
            {
                break;
            }

            if (columns >= 4)
            {
                break;
            }
        }

        return columns;
    }

    private static (char Marker, int Length)? Fence(string content)
    {
        if (content.Length < 3 || (content[0] != '`' && content[0] != '~'))
        {
            return null;
        }

        var marker = content[0];
        var length = 0;
        while (length < content.Length && content[length] == marker)
        {
            length++;
        }

        // A backtick fence's info string cannot contain a backtick (that is inline code).
        return length >= 3 && (marker == '~' || content.IndexOf('`', length) < 0) ? (marker, length) : null;
    }

    private static bool Closes(string line, (char Marker, int Length) fence)
    {
        if (Indentation(line) >= 4)
        {
            return false;
        }

        var content = line.Trim(' ', '\t');
        var length = 0;
        while (length < content.Length && content[length] == fence.Marker)
        {
            length++;
        }

        return length >= fence.Length && length == content.Length;
    }

    private static bool IsQuote(string content, Dialect dialect) =>
        content.StartsWith('>') || (dialect == Dialect.Slack && content.StartsWith("&gt;", StringComparison.Ordinal));

    /// <summary>
    /// One source line. <see cref="Text"/> is what a reader sees with HTML comments removed (inline code kept, with its
    /// backticks); <see cref="Plain"/> also drops inline code. <see cref="StartHidden"/> says why the line's first
    /// visible character is not the author's own words (inside code, a quote, a comment), or null when it is.
    /// </summary>
    public sealed record Line(string Text, string Plain, string? StartHidden, IReadOnlyList<(string Text, string Reason)> HiddenParts)
    {
        public static Line Hidden(string text, string reason) => new(string.Empty, string.Empty, reason, [(text, reason)]);
    }
}
