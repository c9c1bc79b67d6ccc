using System.Text.RegularExpressions;

namespace Agentic.Text;

/// <summary>
/// Secrets recognised by their shape, whoever holds them: PEM private keys (a BEGIN without its END is cut to the end
/// of the text; an END whose BEGIN was cut off takes the key lines before it), GitHub tokens, Slack tokens, OpenAI and
/// Anthropic keys, AWS access key ids, JWTs, <c>Authorization</c> values and URL user-info.
/// </summary>
public static partial class SecretPatterns
{
    public const string Redacted = "***";

    public static string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("-----", StringComparison.Ordinal))
        {
            text = PemBlock().Replace(text, Redacted);
            if (text.Contains("-----END ", StringComparison.Ordinal))
            {
                text = PemTail().Replace(text, Redacted);
            }
        }

        text = Token().Replace(text, Redacted);
        text = AuthorizationValue().Replace(text, "$1 " + Redacted);
        return UrlUserInfo().Replace(text, "$1" + Redacted + "@");
    }

    [GeneratedRegex(@"-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END [A-Z0-9 ]*-----|\z)", RegexOptions.Singleline)]
    private static partial Regex PemBlock();

    [GeneratedRegex(@"(?:[A-Za-z0-9+/=]{16,}\s+)+-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----", RegexOptions.NonBacktracking)]
    private static partial Regex PemTail();

    [GeneratedRegex(
        @"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposre]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}" +
        @"|sk-[A-Za-z0-9_-]{20,}|(?:AKIA|ASIA)[A-Z0-9]{16}\b|eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})")]
    private static partial Regex Token();

    [GeneratedRegex(@"\b(Basic|Bearer|token)\s+[A-Za-z0-9+/=._\-]{12,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(\b[a-z][a-z0-9+.\-]*://)[^/\s@]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlUserInfo();
}
