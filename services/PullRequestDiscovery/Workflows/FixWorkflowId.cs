using System.Security.Cryptography;
using System.Text;

namespace Agentic.PullRequestDiscovery.Workflows;

/// <summary>
/// The fix workflow's correlation id is derived from what identifies it (repository, head SHA, check name), so a
/// detection published twice, by a redelivered webhook or a reconciliation pass, lands on the same saga.
/// </summary>
public static class FixWorkflowId
{
    public static Guid For(long repositoryId, string headSha, string checkName)
    {
        var key = Encoding.UTF8.GetBytes($"agentic-fix/{repositoryId}/{headSha}/{checkName}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(key, hash);
        var bytes = hash[..16].ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x80); // version 8 (custom) in the layout Guid(byte[]) uses
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes);
    }
}
