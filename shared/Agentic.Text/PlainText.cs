using System.Text;

namespace Agentic.Text;

/// <summary>
/// Plain text cleaned of what no reader should receive: control characters other than newline and tab, bidirectional
/// overrides (which reorder what a reader sees), lone surrogates; line endings normalised to <c>\n</c>.
/// </summary>
public static class PlainText
{
    public static string Clean(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r')
            {
                builder.Append('\n');
                if (i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }
            }
            else if (c is '\n' or '\t')
            {
                builder.Append(c);
            }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                builder.Append('\uFFFD');
            }
            else if (!char.IsControl(c) && !IsBidiControl(c))
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary><see cref="Clean"/>, then newlines and tabs as spaces: text for a single line.</summary>
    public static string OneLine(string? text) => Clean(text).Replace('\n', ' ').Replace('\t', ' ');

    /// <summary>The first non-blank line, cleaned and capped: a commit subject or a pull request title.</summary>
    public static string Subject(string? text, int maxLength)
    {
        var clean = Clean(text);
        var line = clean.Split('\n').Select(l => l.Replace('\t', ' ').Trim()).FirstOrDefault(l => l.Length > 0) ?? string.Empty;
        return TextLimits.Cap(line, maxLength);
    }

    private static bool IsBidiControl(char c) => c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
