using System.Text.RegularExpressions;

namespace Agentic.Git;

/// <summary>Removes credentials from output before it leaves a service: GitHub tokens, basic/bearer headers, URL user-info.</summary>
public static partial class OutputScrubber
{
    public const string Redacted = "***";

    public static string Scrub(string text, IEnumerable<string>? secrets = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (secrets is not null)
        {
            foreach (var secret in secrets)
            {
                if (secret.Length >= 6)
                {
                    text = text.Replace(secret, Redacted, StringComparison.Ordinal);
                }
            }
        }

        text = GitHubToken().Replace(text, Redacted);
        text = AuthorizationValue().Replace(text, "$1 " + Redacted);
        return UrlUserInfo().Replace(text, "$1" + Redacted + "@");
    }

    [GeneratedRegex(@"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})")]
    private static partial Regex GitHubToken();

    [GeneratedRegex(@"\b(Basic|Bearer|token)\s+[A-Za-z0-9+/=._\-]{12,}", RegexOptions.IgnoreCase)]
    private static partial Regex AuthorizationValue();

    [GeneratedRegex(@"(\b[a-z][a-z0-9+.\-]*://)[^/\s@]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlUserInfo();
}
