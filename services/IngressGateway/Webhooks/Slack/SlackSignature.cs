using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agentic.IngressGateway.Webhooks.Slack;

/// <summary>Slack's <c>v0</c> signing: <c>X-Slack-Signature: v0=hex(HMAC-SHA256(secret, "v0:{timestamp}:{raw body}"))</c>.</summary>
public static class SlackSignature
{
    private const string Prefix = "v0=";

    public static SignatureCheck Check(ReadOnlySpan<byte> body, string? timestamp, string? signature, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        if (timestamp is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureCheck.Invalid;
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return SignatureCheck.Stale;
        }

        if (signature is null || !signature.StartsWith(Prefix, StringComparison.Ordinal) || signature.Length != Prefix.Length + 64)
        {
            return SignatureCheck.Invalid;
        }

        var expected = new byte[32];
        if (!HmacSha256.TryParseHex(signature.AsSpan(Prefix.Length), expected))
        {
            return SignatureCheck.Invalid;
        }

        return HmacSha256.MatchesAny(BaseString(body, timestamp), expected, secrets) ? SignatureCheck.Valid : SignatureCheck.Invalid;
    }

    public static string Sign(ReadOnlySpan<byte> body, string timestamp, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), BaseString(body, timestamp)));

    private static byte[] BaseString(ReadOnlySpan<byte> body, string timestamp)
    {
        var prefix = Encoding.ASCII.GetBytes($"v0:{timestamp}:");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return signed;
    }
}
