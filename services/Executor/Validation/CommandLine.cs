using System.Text;

namespace Agentic.Executor.Validation;

/// <summary>
/// Splits a simple command string into argv the way a shell would for plain words and quotes, but refuses anything a
/// shell would interpret (pipes, redirection, substitution, globbing, variables, command separators).
/// </summary>
public static class CommandLine
{
    private const string Forbidden = "|&;<>$`\\(){}*?[]~!#\n\r";

    public static IReadOnlyList<string> Split(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var words = new List<string>();
        var current = new StringBuilder();
        var inWord = false;
        char? quote = null;
        foreach (var c in command)
        {
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else if (c is '\n' or '\r' or '`' || (q == '"' && c is '$' or '\\'))
                {
                    throw new FormatException($"'{c}' inside quotes is not allowed in '{command}' (commands run without a shell).");
                }
                else
                {
                    current.Append(c);
                }

                continue;
            }

            if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c is ' ' or '\t')
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else if (Forbidden.Contains(c, StringComparison.Ordinal))
            {
                throw new FormatException($"'{c}' is not allowed in '{command}' (commands run without a shell; use a list of arguments or a script in the repository).");
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"Unterminated quote in '{command}'.");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words.Count > 0 ? words : throw new FormatException("An empty command.");
    }

    /// <summary>argv back as one readable line (for reports).</summary>
    public static string Join(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@+,".Contains(c, StringComparison.Ordinal)) ? a : $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
}
