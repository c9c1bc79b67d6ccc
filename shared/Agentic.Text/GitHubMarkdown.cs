using System.Text;

namespace Agentic.Text;

/// <summary>
/// Untrusted text in GitHub-flavoured markdown (comments, check-run output, pull request bodies) as data, never markup.
/// Inline text is escaped so that nothing in it renders as a link, an image, an autolink, raw HTML (so no HTML
/// comment that hides the rest), emphasis, a code span, a table cell or a block (heading, quote, list); mentions
/// (<c>@user</c>, <c>@org/team</c>) and references (<c>#123</c>, <c>owner/repo#123</c>, <c>GH-123</c>) are broken
/// with a zero-width joiner so they neither notify nor link. Longer text goes in a fenced block whose fence is longer
/// than any backtick or tilde run in it, so the content cannot close it.
/// </summary>
public static class GitHubMarkdown
{
    /// <summary>Invisible; placed after <c>@</c>, <c>#</c> and in <c>://</c> / <c>www.</c> so GitHub sees no mention, reference or URL.</summary>
    public const char ZeroWidthJoiner = '\u200D';

    /// <summary>A default cap for one inline value (a check name, a branch, a one-line cause).</summary>
    public const int DefaultInlineLength = 300;

    /// <summary>Untrusted text for one line of markdown: cleaned, newlines as spaces, capped, escaped.</summary>
    public static string Inline(string? text, int maxLength = DefaultInlineLength) =>
        EscapeLine(TextLimits.Cap(PlainText.OneLine(text).Trim(), maxLength));

    /// <summary>
    /// Untrusted multi-line text as paragraphs: each line escaped on its own (so no line can start a block), blank lines
    /// kept as paragraph breaks, the others joined by hard line breaks.
    /// </summary>
    public static string Lines(string? text, int maxLength)
    {
        var capped = TextLimits.Cap(PlainText.Clean(text).Trim(), maxLength);
        var paragraphs = new List<List<string>> { new() };
        foreach (var raw in capped.Split('\n'))
        {
            var line = raw.Replace('\t', ' ').Trim();
            if (line.Length > 0)
            {
                paragraphs[^1].Add(EscapeLine(line));
            }
            else if (paragraphs[^1].Count > 0)
            {
                paragraphs.Add([]);
            }
        }

        return string.Join("\n\n", paragraphs.Where(p => p.Count > 0).Select(p => string.Join("  \n", p)));
    }

    /// <summary>
    /// Untrusted text as a fenced code block (ending in a newline; put it at the start of a line, outside any list):
    /// rendered verbatim, with a fence longer than any run of backticks or tildes in the content.
    /// </summary>
    public static string CodeBlock(string? text, int maxLength, bool keepEnd = false)
    {
        var clean = PlainText.Clean(text).TrimEnd('\n');
        var content = keepEnd ? TextLimits.CapStart(clean, maxLength) : TextLimits.Cap(clean, maxLength);
        var fence = new string('`', Math.Max(3, Math.Max(LongestRun(content, '`'), LongestRun(content, '~')) + 1));
        return $"{fence}text\n{content}\n{fence}\n";
    }

    /// <summary>Escapes one line (no newlines expected: they are turned into spaces) for inline markdown.</summary>
    public static string EscapeLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Replace('\n', ' ').Replace('\r', ' ');
        var builder = new StringBuilder(text.Length + 16);
        var start = LineStartEscape(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (i == start)
            {
                builder.Append('\\');
            }

            switch (c)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '\\' or '`' or '*' or '[' or ']' or '|' or '~':
                    builder.Append('\\').Append(c);
                    break;
                case '_':
                    // Inside a word an underscore is plain text in GFM (snake_case stays readable); at a word boundary it
                    // could open or close emphasis.
                    if (i > 0 && i < text.Length - 1 && char.IsLetterOrDigit(text[i - 1]) && char.IsLetterOrDigit(text[i + 1]))
                    {
                        builder.Append(c);
                    }
                    else
                    {
                        builder.Append("\\_");
                    }

                    break;
                case '@':
                    builder.Append(c).Append(ZeroWidthJoiner);
                    break;
                case '#':
                    builder.Append(c).Append(ZeroWidthJoiner);
                    break;
                case ':' when At(text, i + 1, "//"):
                    builder.Append(c).Append(ZeroWidthJoiner);
                    break;
                case ':' when AfterLinkScheme(text, i):
                    // Before the colon: "mailto:" is then no scheme at all, for GitHub and for lenient renderers.
                    builder.Append(ZeroWidthJoiner).Append(c);
                    break;
                case 'w' or 'W' when At(text, i, "www.") && (i == 0 || !char.IsLetterOrDigit(text[i - 1])):
                    builder.Append(text, i, 3).Append(ZeroWidthJoiner).Append('.');
                    i += 3;
                    break;
                case 'g' or 'G' when At(text, i, "gh-") && (i == 0 || !char.IsLetterOrDigit(text[i - 1])):
                    builder.Append(text, i, 2).Append(ZeroWidthJoiner);
                    i += 1;
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// For plain-text fields GitHub still scans for mentions, references and URLs (commit messages, pull request titles):
    /// a zero-width joiner after every <c>@</c> and <c>#</c> followed by a letter or digit, in <c>GH-</c>, in
    /// <c>://</c>, <c>www.</c> and before the colon of <c>mailto:</c>/<c>xmpp:</c>; nothing else changes.
    /// </summary>
    public static string BreakReferences(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ':' && AfterLinkScheme(text, i))
            {
                builder.Append(ZeroWidthJoiner);
            }

            builder.Append(c);
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if ((c is '@' or '#' && char.IsLetterOrDigit(next)) ||
                (c is 'h' or 'H' && next == '-' && i > 0 && text[i - 1] is 'g' or 'G' && (i == 1 || !char.IsLetterOrDigit(text[i - 2]))) ||
                (c == ':' && At(text, i + 1, "//")) ||
                (c is 'w' or 'W' && next == '.' && i >= 2 && At(text, i - 2, "www.") && (i == 2 || !char.IsLetterOrDigit(text[i - 3]))))
            {
                builder.Append(ZeroWidthJoiner);
            }
        }

        return builder.ToString();
    }

    /// <summary>True when the colon at <paramref name="colon"/> ends <c>mailto</c> or <c>xmpp</c> (GFM links those without <c>//</c>).</summary>
    private static bool AfterLinkScheme(string text, int colon) =>
        (colon >= 6 && At(text, colon - 6, "mailto")) || (colon >= 4 && At(text, colon - 4, "xmpp"));

    /// <summary>
    /// Where a backslash must go so the line cannot start a block: before a leading <c>#</c>, <c>-</c>, <c>+</c>, <c>=</c>
    /// (heading, list, thematic break, setext underline) or the <c>.</c> / <c>)</c> after leading digits (ordered list);
    /// -1 when none is needed. (<c>&gt;</c> is an entity anyway; leading spaces are trimmed by the callers.)
    /// </summary>
    private static int LineStartEscape(string text)
    {
        var i = 0;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        if (i >= text.Length)
        {
            return -1;
        }

        if (text[i] is '#' or '-' or '+' or '=')
        {
            return i;
        }

        var digits = i;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        return digits > i && digits < text.Length && text[digits] is '.' or ')' ? digits : -1;
    }

    private static bool At(string text, int index, string value) =>
        index + value.Length <= text.Length && string.Compare(text, index, value, 0, value.Length, StringComparison.OrdinalIgnoreCase) == 0;

    private static int LongestRun(string text, char c)
    {
        var longest = 0;
        var run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
