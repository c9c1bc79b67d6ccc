namespace Agentic.Text;

/// <summary>
/// Untrusted text in Slack mrkdwn: <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as entities (what Slack asks for), so
/// <c>&lt;@U123&gt;</c>, <c>&lt;!channel&gt;</c> and <c>&lt;http://x|label&gt;</c> arrive as text, not as a mention,
/// a broadcast or a disguised link.
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
}
