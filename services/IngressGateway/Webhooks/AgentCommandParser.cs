using System.Text.RegularExpressions;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>
/// Finds a request to the agent in free text: <c>/agentic fix the flaky test</c> or <c>@agentic add a test for X</c>
/// in GitHub comments, a Slack mention (<c>&lt;@U123&gt; fix the build</c>) or slash-command text. The verb is matched
/// against a closed list; the rest stays untrusted text that only the Command Dispatcher interprets.
/// </summary>
public static partial class AgentCommandParser
{
    public static IReadOnlySet<string> Verbs { get; } = new HashSet<string>(StringComparer.Ordinal) { "fix", "review", "test", "explain", "retry", "stop", "help" };

    /// <summary>The first line addressed to <paramref name="name"/> (<c>/name ...</c> or <c>@name ...</c>), or null when none is.</summary>
    public static AgentCommand? ParseAddressed(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        foreach (var line in text.Split('\n'))
        {
            var match = Addressed().Match(line.Trim());
            if (match.Success && string.Equals(match.Groups["name"].Value, name, StringComparison.OrdinalIgnoreCase))
            {
                return ParseWords(match.Groups["rest"].Value);
            }
        }

        return null;
    }

    /// <summary>"verb rest" with any Slack user mentions removed; an empty text asks for help.</summary>
    public static AgentCommand ParseWords(string? text)
    {
        var words = SlackMention().Replace(text ?? string.Empty, " ").Trim();
        if (words.Length == 0)
        {
            return new AgentCommand("help", string.Empty);
        }

        var split = words.IndexOfAny([' ', '\t', '\r', '\n']);
        var verb = (split < 0 ? words : words[..split]).TrimEnd(',', ':').ToLowerInvariant();
        var rest = split < 0 ? string.Empty : words[(split + 1)..].Trim();
        return Verbs.Contains(verb) ? new AgentCommand(verb, rest) : new AgentCommand("unknown", words);
    }

    [GeneratedRegex(@"^[/@](?<name>[A-Za-z0-9][A-Za-z0-9_-]*)[,:]?(?:\s+(?<rest>.*))?$", RegexOptions.CultureInvariant, 100)]
    private static partial Regex Addressed();

    [GeneratedRegex(@"<@[A-Z0-9]+(?:\|[^>]*)?>", RegexOptions.CultureInvariant, 100)]
    private static partial Regex SlackMention();
}

public sealed record AgentCommand(string Verb, string Text);
