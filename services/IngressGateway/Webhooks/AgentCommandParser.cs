using System.Text;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>
/// Finds a request to the agent in free text: <c>/agentic fix the flaky test</c> or <c>@agentic add a test for X</c>
/// in GitHub and Linear comments, a Slack mention (<c>&lt;@U123&gt; fix the build</c>) or slash-command text. A command
/// counts only where its author visibly wrote it (<see cref="VisibleText"/>): at the start of a line of the comment's
/// own text, never inside an HTML comment, a quote or code. The verb is matched against a closed list; the rest stays
/// untrusted text that only the Command Dispatcher interprets. Everything here is linear in the text (no regular
/// expressions to backtrack on hostile input).
/// </summary>
public static class AgentCommandParser
{
    /// <summary>GitHub's limit for a comment body (Linear's and Slack's are lower): what lies beyond is not read.</summary>
    public const int MaxTextLength = 65_536;

    public static IReadOnlySet<string> Verbs { get; } = new HashSet<string>(StringComparer.Ordinal) { "fix", "review", "test", "explain", "retry", "stop", "help" };

    /// <summary>
    /// Verbs that only read and answer ("unknown" is answered with help): anyone who may comment may ask them. Every
    /// other verb changes something (a push, a pull request, a review posted as the app, a workflow stopped or retried)
    /// and needs write access to the repository.
    /// </summary>
    public static IReadOnlySet<string> ReadOnlyVerbs { get; } = new HashSet<string>(StringComparer.Ordinal) { "help", "explain", "unknown" };

    /// <summary>
    /// The first line of visible text that starts with <c>/name</c> or <c>@name</c>; otherwise why there is none
    /// (e.g. "command inside a code block", "command not at the start of a line").
    /// </summary>
    public static CommandSearch ParseAddressed(string? text, string name)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return CommandSearch.NotFound($"no /{name} command");
        }

        string? hidden = null;
        var elsewhere = false;
        foreach (var line in VisibleText.Read(Bounded(text)))
        {
            if (line.StartHidden is null && TryAddressed(line.Text, name, out var rest))
            {
                return new CommandSearch(ParseWords(rest), null);
            }

            foreach (var (part, reason) in line.HiddenParts)
            {
                if (hidden is null && Mentions(part, name))
                {
                    hidden = $"command {reason}";
                }
            }

            elsewhere |= Mentions(line.Plain, name);
        }

        return hidden is null && !elsewhere
            ? CommandSearch.NotFound($"no /{name} command")
            : CommandSearch.NotAddressedHere(hidden ?? "command not at the start of a line");
    }

    /// <summary>
    /// A Slack message to the app: its visible text (code blocks, quotes and inline code are not the author speaking).
    /// With <paramref name="mentionRequired"/> (an <c>app_mention</c>) a user mention must be in the visible text.
    /// </summary>
    public static CommandSearch ParseSlackMessage(string? text, bool mentionRequired)
    {
        var lines = VisibleText.Read(Bounded(text ?? string.Empty), VisibleText.Dialect.Slack);
        var visible = string.Join('\n', lines.Where(l => l.StartHidden is null || l.Text.Length > 0).Select(l => l.Text));
        if (mentionRequired && !lines.Any(l => l.Plain.Contains("<@", StringComparison.Ordinal)))
        {
            var reason = lines.SelectMany(l => l.HiddenParts).FirstOrDefault(p => p.Text.Contains("<@", StringComparison.Ordinal)).Reason;
            return reason is null ? CommandSearch.NotFound("no mention of the app") : CommandSearch.NotAddressedHere($"mention {reason}");
        }

        return new CommandSearch(ParseWords(visible), null);
    }

    /// <summary>"verb rest" with any Slack user mentions removed; an empty text asks for help.</summary>
    public static AgentCommand ParseWords(string? text)
    {
        var words = RemoveSlackMentions(text ?? string.Empty).Trim();
        if (words.Length == 0)
        {
            return new AgentCommand("help", string.Empty);
        }

        var split = words.IndexOfAny([' ', '\t', '\r', '\n']);
        var verb = (split < 0 ? words : words[..split]).TrimEnd(',', ':').ToLowerInvariant();
        var rest = split < 0 ? string.Empty : words[(split + 1)..].Trim();
        return Verbs.Contains(verb) ? new AgentCommand(verb, rest) : new AgentCommand("unknown", words);
    }

    /// <summary>
    /// Replaces Slack user mentions (<c>&lt;@U123&gt;</c>, <c>&lt;@U123|name&gt;</c>) with a space. One pass: the next
    /// <c>&gt;</c> is looked up once and reused, so "&lt;@A|" repeated thousands of times costs its length.
    /// </summary>
    public static string RemoveSlackMentions(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Contains("<@", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var nextClose = -2;
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '<' && i + 1 < text.Length && text[i + 1] == '@')
            {
                var j = i + 2;
                while (j < text.Length && (char.IsAsciiLetterUpper(text[j]) || char.IsAsciiDigit(text[j])))
                {
                    j++;
                }

                if (j > i + 2 && j < text.Length && text[j] == '>')
                {
                    result.Append(' ');
                    i = j + 1;
                    continue;
                }

                if (j > i + 2 && j < text.Length && text[j] == '|')
                {
                    if (nextClose != -1 && nextClose < j)
                    {
                        nextClose = text.IndexOf('>', j);
                    }

                    if (nextClose >= 0)
                    {
                        result.Append(' ');
                        i = nextClose + 1;
                        continue;
                    }
                }
            }

            result.Append(text[i]);
            i++;
        }

        return result.ToString();
    }

    private static string Bounded(string text) => text.Length > MaxTextLength ? text[..MaxTextLength] : text;

    private static bool TryAddressed(string line, string name, out string rest)
    {
        rest = string.Empty;
        var text = line.AsSpan().TrimStart();
        if (text.Length <= name.Length || (text[0] != '/' && text[0] != '@') || !text.Slice(1, name.Length).Equals(name, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var k = 1 + name.Length;
        if (k < text.Length && text[k] is ',' or ':')
        {
            k++;
        }

        if (k < text.Length && !char.IsWhiteSpace(text[k]))
        {
            return false;
        }

        rest = text[k..].Trim().ToString();
        return true;
    }

    /// <summary>Whether <c>/name</c> or <c>@name</c> appears anywhere in <paramref name="text"/>.</summary>
    private static bool Mentions(string text, string name)
    {
        var from = 0;
        while (from < text.Length)
        {
            var at = text.IndexOf(name, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            var end = at + name.Length;
            if (at > 0 && text[at - 1] is '/' or '@' && (end == text.Length || !(char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_')))
            {
                return true;
            }

            from = at + 1;
        }

        return false;
    }
}

public sealed record AgentCommand(string Verb, string Text);

/// <summary>
/// A command found in a text, or why none counts (<see cref="Reason"/>). <see cref="Addressed"/>: the agent was named
/// somewhere it does not count (a quote, code, an HTML comment, the middle of a line).
/// </summary>
public sealed record CommandSearch(AgentCommand? Command, string? Reason, bool Addressed = false)
{
    public static CommandSearch NotFound(string reason) => new(null, reason);

    public static CommandSearch NotAddressedHere(string reason) => new(null, reason, true);
}
