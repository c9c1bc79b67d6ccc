using System.Security.Cryptography;
using System.Text;
using System.Text.Unicode;

namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// What the inbox stores of a body, so that every later reader (normaliser, relay, replay, PostgreSQL text and jsonb)
/// can read it: invalid UTF-8 sequences become U+FFFD, and so do JSON escapes no text column takes (<c>\u0000</c>) or
/// no string can hold (a lone surrogate such as <c>\ud800</c>). A clean body is stored as it came (the common case, no
/// copy); a cleaned one keeps the SHA-256 of the bytes as received. Escapes are rewritten in place: <c>\uFFFD</c> is
/// as long as what it replaces, so the JSON stays valid wherever it was.
/// </summary>
public static class DeliveryBody
{
    private static readonly byte[] Replacement = "\\uFFFD"u8.ToArray();

    public static StoredBody Clean(byte[] body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var validUtf8 = Utf8.IsValid(body);
        if (validUtf8 && !HasUnstorableEscape(body))
        {
            return new StoredBody(body, null);
        }

        var cleaned = validUtf8 ? (byte[])body.Clone() : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(body));
        ReplaceUnstorableEscapes(cleaned);
        return new StoredBody(cleaned, SHA256.HashData(body));
    }

    /// <summary>Text for a PostgreSQL text column: <c>\0</c> and unpaired surrogates become U+FFFD.</summary>
    public static string? CleanText(string? text)
    {
        if (text is null)
        {
            return null;
        }

        if (!NeedsCleaning(text))
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(text[i]).Append(text[++i]);
            }
            else
            {
                builder.Append(text[i] == '\0' || char.IsSurrogate(text[i]) ? '\uFFFD' : text[i]);
            }
        }

        return builder.ToString();
    }

    private static bool NeedsCleaning(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (text[i] == '\0' || char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasUnstorableEscape(ReadOnlySpan<byte> body)
    {
        var at = 0;
        while (at < body.Length)
        {
            var slash = body[at..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                return false;
            }

            at += slash;
            var (length, unstorable) = Escape(body, at);
            if (unstorable)
            {
                return true;
            }

            at += length;
        }

        return false;
    }

    private static void ReplaceUnstorableEscapes(Span<byte> body)
    {
        var at = 0;
        while (at < body.Length)
        {
            var slash = body[at..].IndexOf((byte)'\\');
            if (slash < 0)
            {
                return;
            }

            at += slash;
            var (length, unstorable) = Escape(body, at);
            if (unstorable)
            {
                Replacement.CopyTo(body[at..]);
                length = Replacement.Length;
            }

            at += length;
        }
    }

    /// <summary>The escape at <paramref name="at"/> (a backslash): how many bytes it spans, and whether no text column can take it.</summary>
    private static (int Length, bool Unstorable) Escape(ReadOnlySpan<byte> body, int at)
    {
        if (at + 1 >= body.Length || body[at + 1] != (byte)'u')
        {
            return (2, false);
        }

        if (CodeUnit(body, at) is not { } unit)
        {
            return (2, false);
        }

        if (unit == 0 || char.IsLowSurrogate(unit))
        {
            return (6, true);
        }

        if (!char.IsHighSurrogate(unit))
        {
            return (6, false);
        }

        // A high surrogate counts only with its low half right after it.
        return at + 6 < body.Length && body[at + 6] == (byte)'\\' && CodeUnit(body, at + 6) is { } low && char.IsLowSurrogate(low) ? (12, false) : (6, true);
    }

    private static char? CodeUnit(ReadOnlySpan<byte> body, int at)
    {
        if (at + 6 > body.Length || body[at + 1] != (byte)'u')
        {
            return null;
        }

        var value = 0;
        for (var k = at + 2; k < at + 6; k++)
        {
            var digit = HexValue(body[k]);
            if (digit < 0)
            {
                return null;
            }

            value = (value << 4) | digit;
        }

        return (char)value;
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}

/// <summary>The body as stored, and the SHA-256 of the bytes as received when they differ.</summary>
public sealed record StoredBody(byte[] Body, byte[]? RawSha256);
