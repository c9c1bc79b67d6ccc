namespace Agentic.Text;

/// <summary>Length caps measured in UTF-16 code units (what GitHub, Slack and Linear count), never splitting a surrogate pair.</summary>
public static class TextLimits
{
    /// <summary>Appended (or prepended) where text was cut.</summary>
    public const string Truncated = "… [truncated]";

    /// <summary>Keeps the start of <paramref name="text"/>: at most <paramref name="maxLength"/> code units, the marker included.</summary>
    public static string Cap(string text, int maxLength, string marker = Truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (text.Length <= maxLength)
        {
            return text;
        }

        if (marker.Length >= maxLength)
        {
            return KeepStart(marker, maxLength);
        }

        return KeepStart(text, maxLength - marker.Length) + marker;
    }

    /// <summary>Keeps the end of <paramref name="text"/> (the useful part of an output tail), the marker in front.</summary>
    public static string CapStart(string text, int maxLength, string marker = Truncated)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(marker);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (text.Length <= maxLength)
        {
            return text;
        }

        if (marker.Length >= maxLength)
        {
            return KeepStart(marker, maxLength);
        }

        var start = text.Length - (maxLength - marker.Length);
        if (char.IsLowSurrogate(text[start]) && start > 0 && char.IsHighSurrogate(text[start - 1]))
        {
            start++;
        }

        return marker + text[start..];
    }

    private static string KeepStart(string text, int length)
    {
        if (length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) && char.IsLowSurrogate(text[length]))
        {
            length--;
        }

        return text[..length];
    }
}
