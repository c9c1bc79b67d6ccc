using System.Text;

namespace Agentic.RepositoryConfig;

/// <summary>
/// Splits a command string into argv the way a POSIX shell splits words (spaces, single and double quotes,
/// backslash escapes) but refuses everything else a shell would interpret: pipes, redirections, command lists,
/// substitutions and variables. The result is run without a shell.
/// </summary>
public static class CommandLine
{
    private const string Forbidden = "|&;<>()$`*?[]{}~!#\n\r";

    public static IReadOnlyList<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is { } q)
            {
                if (c == q)
                {
                    quote = null;
                }
                else if (c == '\\' && q == '"' && i + 1 < line.Length && line[i + 1] is '"' or '\\')
                {
                    word.Append(line[++i]);
                }
                else if (q == '"' && c is '$' or '`')
                {
                    throw new FormatException($"'{c}' (shell expansion) is not allowed in a command");
                }
                else
                {
                    word.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case ' ' or '\t':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'' or '"':
                    quote = c;
                    inWord = true;
                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    inWord = true;
                    break;
                default:
                    if (Forbidden.Contains(c, StringComparison.Ordinal))
                    {
                        throw new FormatException($"'{c}' is a shell operator; commands run without a shell");
                    }

                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (quote is not null)
        {
            throw new FormatException("unterminated quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words.Count > 0 ? words : throw new FormatException("empty command");
    }

    /// <summary>argv back as one readable line (for reports), quoted so that <see cref="Split"/> reads it back.</summary>
    public static string Join(IEnumerable<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@+,".Contains(c, StringComparison.Ordinal)) ? a : $"'{a.Replace("'", "'\\''", StringComparison.Ordinal)}'"));
}
