using System.Security.Cryptography;
using System.Text;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>HMAC-SHA256 checks shared by the three providers' signature schemes.</summary>
public static class HmacSha256
{
    /// <summary>True when <paramref name="expected"/> is the HMAC of <paramref name="data"/> under any of <paramref name="secrets"/>; every secret is tried, in constant time.</summary>
    public static bool MatchesAny(ReadOnlySpan<byte> data, ReadOnlySpan<byte> expected, IReadOnlyList<string> secrets)
    {
        Span<byte> actual = stackalloc byte[32];
        var valid = false;
        foreach (var secret in secrets)
        {
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data, actual);
            valid |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return valid;
    }

    /// <summary>Parses 64 hex characters into 32 bytes; false for anything else.</summary>
    public static bool TryParseHex(ReadOnlySpan<char> hex, Span<byte> destination) =>
        hex.Length == 64 &&
        Convert.FromHexString(hex, destination, out _, out var written) == System.Buffers.OperationStatus.Done &&
        written == 32;
}

public enum SignatureCheck
{
    Valid = 0,
    Invalid = 1,
    Stale = 2,
}
