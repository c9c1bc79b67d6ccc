namespace Agentic.Text;

/// <summary>
/// Removes secrets from text before it leaves the service: every secret value the service holds (see
/// <see cref="SecretValues"/>), also as it looks once escaped for markdown or Slack, and every secret recognised by its
/// shape (<see cref="SecretPatterns"/>). Scrub raw values before escaping them; the escaped variants are the safety net
/// for text that was escaped first.
/// </summary>
public sealed class SecretScrubber
{
    /// <summary>Values shorter than this are not matched by value: they would redact ordinary words.</summary>
    public const int MinimumValueLength = 8;

    private readonly string[] _values;

    public SecretScrubber(IEnumerable<string> secretValues)
    {
        ArgumentNullException.ThrowIfNull(secretValues);
        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var secret in secretValues)
        {
            foreach (var variant in Variants(secret))
            {
                if (variant.Length >= MinimumValueLength)
                {
                    values.Add(variant);
                }
            }
        }

        // Longest first, so a secret that contains another is removed whole.
        _values = [.. values.OrderByDescending(v => v.Length).ThenBy(v => v, StringComparer.Ordinal)];
    }

    /// <summary>A scrubber that knows no values (shapes only).</summary>
    public static SecretScrubber ShapesOnly { get; } = new([]);

    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        // A PEM block first, so a multi-line key goes as one block rather than line by line.
        text = text.Contains("-----", StringComparison.Ordinal) ? SecretPatterns.Scrub(text) : text;
        foreach (var value in _values)
        {
            text = text.Replace(value, SecretPatterns.Redacted, StringComparison.Ordinal);
        }

        return SecretPatterns.Scrub(text);
    }

    private static IEnumerable<string> Variants(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            yield break;
        }

        var value = secret.Trim();
        yield return value;
        if (value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal))
        {
            var normalised = value.Replace("\r\n", "\n", StringComparison.Ordinal);
            yield return normalised;
            yield return normalised.Replace("\n", "\\n", StringComparison.Ordinal);
            yield return normalised.Replace("\n", "\r\n", StringComparison.Ordinal);

            // Each line of a multi-line secret (a PEM body) on its own: an output tail may hold only part of it.
            foreach (var line in normalised.Split('\n'))
            {
                var trimmed = line.Trim();
                if (trimmed.Length >= 16 && !trimmed.StartsWith("-----", StringComparison.Ordinal))
                {
                    yield return trimmed;
                }
            }

            yield break;
        }

        yield return GitHubMarkdown.EscapeLine(value);
        yield return SlackMrkdwn.Entities(value);
        yield return Uri.EscapeDataString(value);
    }
}
