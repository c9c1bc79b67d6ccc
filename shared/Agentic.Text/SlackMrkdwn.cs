using System.Text;

namespace Agentic.Text;

/// <summary>
/// Untrusted text in Slack mrkdwn: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as entities (what Slack asks for), so
/// <c>&lt;@U123&gt;</c>, <c>&lt;!channel&gt;</c> and <c>&lt;http://x|label&gt;</c> arrive as text, not as a mention,
/// a broadcast or a disguised link. <see cref="Inline"/> and <see cref="CodeBlock"/> also break what Slack would turn
/// into a link or a mention by itself (bare URLs, <c>www.</c>, <c>@channel</c>) with a zero-width joiner, and keep a
/// code block's content from closing it.
/// </summary>
public static class SlackMrkdwn
{
    public static string Escape(string? text, int maxLength = int.MaxValue) =>
        Entities(TextLimits.Cap(PlainText.Clean(text), maxLength));

    /// <summary>The three entities alone (text already cleaned).</summary>
    public static string Entities(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
    }

    /// <summary>Untrusted text for one line of mrkdwn: cleaned, newlines as spaces, capped, escaped, links and mentions broken.</summary>
    public static string Inline(string? text, int maxLength = GitHubMarkdown.DefaultInlineLength) =>
        BreakLinks(Entities(BreakFences(TextLimits.Cap(PlainText.OneLine(text).Trim(), maxLength))));

    /// <summary>
    /// Untrusted multi-line text as a code block (Slack has no longer fences, so a run of backticks inside is broken with
    /// a zero-width joiner instead), escaped, links and mentions broken.
    /// </summary>
    public static string CodeBlock(string? text, int maxLength, bool keepEnd = false)
    {
        var clean = PlainText.Clean(text).TrimEnd('\n');
        var content = keepEnd ? TextLimits.CapStart(clean, maxLength) : TextLimits.Cap(clean, maxLength);
        return "```\n" + BreakLinks(Entities(BreakFences(content))) + "\n```";
    }

    /// <summary>No run of three backticks (Slack's code block fence, which has no longer form) survives.</summary>
    private static string BreakFences(string text) =>
        text.Replace("``", "`" + GitHubMarkdown.ZeroWidthJoiner + "`", StringComparison.Ordinal);

    /// <summary>A zero-width joiner after <c>@</c> and <c>!</c>, in <c>://</c> and <c>www.</c>, and before the colon of <c>mailto:</c>.</summary>
    private static string BreakLinks(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == ':' && i >= 6 && string.Compare(text, i - 6, "mailto", 0, 6, StringComparison.OrdinalIgnoreCase) == 0)
            {
                builder.Append(GitHubMarkdown.ZeroWidthJoiner);
            }

            builder.Append(c);
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if ((c is '@' or '!' && char.IsLetterOrDigit(next)) ||
                (c == ':' && next == '/') ||
                (c is 'w' or 'W' && next == '.' && i >= 2 && string.Compare(text, i - 2, "www", 0, 3, StringComparison.OrdinalIgnoreCase) == 0))
            {
                builder.Append(GitHubMarkdown.ZeroWidthJoiner);
            }
        }

        return builder.ToString();
    }
}
