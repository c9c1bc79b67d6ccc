using System.Security.Cryptography;
using System.Text;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>GitHub's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the hex HMAC-SHA256 of the raw body, compared in constant time.</summary>
public static class GitHubSignature
{
    private const string Prefix = "sha256=";

    public static bool IsValid(ReadOnlySpan<byte> body, string? header, IReadOnlyList<string> secrets)
    {
        if (header is null || !header.StartsWith(Prefix, StringComparison.Ordinal) || header.Length != Prefix.Length + 64)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[32];
        try
        {
            if (Convert.FromHexString(header.AsSpan(Prefix.Length), expected, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[32];
        var valid = false;
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, actual);
            // Check every secret, so timing does not reveal which one matched.
            valid |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return valid;
    }

    public static string Sign(ReadOnlySpan<byte> body, string secret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
