using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Agentic.IngressGateway.Webhooks.Linear;

/// <summary>Linear's <c>Linear-Signature</c>: hex HMAC-SHA256 of the raw body; <c>webhookTimestamp</c> (ms) in the body must be recent.</summary>
public static class LinearSignature
{
    public static SignatureCheck Check(ReadOnlySpan<byte> body, string? signature, JsonElement payload, IReadOnlyList<string> secrets, DateTimeOffset now, TimeSpan tolerance)
    {
        Span<byte> expected = stackalloc byte[32];
        if (signature is null || !HmacSha256.TryParseHex(signature, expected) || !HmacSha256.MatchesAny(body, expected, secrets))
        {
            return SignatureCheck.Invalid;
        }

        var timestamp = payload.ValueKind == JsonValueKind.Object ? payload.OptionalInt64("webhookTimestamp") : null;
        if (timestamp is null || Math.Abs(now.ToUnixTimeMilliseconds() - timestamp.Value) > tolerance.TotalMilliseconds)
        {
            return SignatureCheck.Stale;
        }

        return SignatureCheck.Valid;
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToString(CultureInfo.InvariantCulture);
}
