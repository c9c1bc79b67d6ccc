using System.Security.Cryptography;
using System.Text;

namespace Agentic.IngressGateway.Webhooks.GitHub;

/// <summary>GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body. The SHA-1 header alone is not accepted.</summary>
public static class GitHubSignature
{
    private const string Prefix = "sha256=";

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets)
    {
        Span<byte> expected = stackalloc byte[32];
        return header is not null &&
               header.StartsWith(Prefix, StringComparison.Ordinal) &&
               HmacSha256.TryParseHex(header.AsSpan(Prefix.Length), expected) &&
               HmacSha256.MatchesAny(body, expected, secrets);
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
