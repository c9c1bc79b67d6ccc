namespace Agentic.CheckAnalyzer.Logs;

/// <summary>Removes what makes CI log lines noisy or unique without meaning: ANSI escapes and GitHub Actions' timestamps.</summary>
public static class LogLineCleaner
{
    /// <summary>The line without escape sequences, without a leading <c>2024-01-01T00:00:00.0000000Z </c> and trimmed at the end.</summary>
    public static string Clean(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var span = line.AsSpan();
        if (span.Length > 0 && span[0] == '\uFEFF')
        {
            span = span[1..];
        }

        span = StripTimestamp(span);
        if (span.IndexOf('\u001b') < 0)
        {
            return span.TrimEnd().ToString();
        }

        var builder = new System.Text.StringBuilder(span.Length);
        for (var i = 0; i < span.Length; i++)
        {
            var c = span[i];
            if (c != '\u001b')
            {
                builder.Append(c);
                continue;
            }

            // CSI: ESC [ params final-byte (0x40..0x7E); OSC: ESC ] ... BEL or ESC \ ; other: ESC + one char.
            if (i + 1 < span.Length && span[i + 1] == '[')
            {
                i += 2;
                while (i < span.Length && (span[i] < '@' || span[i] > '~'))
                {
                    i++;
                }
            }
            else if (i + 1 < span.Length && span[i + 1] == ']')
            {
                i += 2;
                while (i < span.Length && span[i] != '\u0007' && !(span[i] == '\u001b' && i + 1 < span.Length && span[i + 1] == '\\'))
                {
                    i++;
                }

                if (i < span.Length && span[i] == '\u001b')
                {
                    i++;
                }
            }
            else
            {
                i++;
            }
        }

        return builder.ToString().TrimEnd();
    }

    private static ReadOnlySpan<char> StripTimestamp(ReadOnlySpan<char> span)
    {
        // 2024-05-01T12:34:56.1234567Z (fraction optional), then one space.
        if (span.Length < 21 || span[4] != '-' || span[7] != '-' || span[10] != 'T' || span[13] != ':' || span[16] != ':'
            || !char.IsAsciiDigit(span[0]) || !char.IsAsciiDigit(span[3]))
        {
            return span;
        }

        var end = span.IndexOf('Z');
        if (end < 19 || end > 40)
        {
            return span;
        }

        var rest = span[(end + 1)..];
        return rest.Length > 0 && rest[0] == ' ' ? rest[1..] : rest;
    }
}
