using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Agentic.GitHub.Authentication;

/// <summary>Where the Authorization header of a request comes from. <see cref="Key"/> names the credential without revealing it.</summary>
internal abstract class GitHubCredential
{
    /// <summary>Partitions the rate-limit governor and the ETag cache, and appears in logs.</summary>
    public abstract string Key { get; }

    public abstract ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken);

    /// <summary>GitHub rejected <paramref name="rejected"/> with 401: forget it; true when a retry may get a different one.</summary>
    public virtual bool Renew(AuthenticationHeaderValue? rejected) => false;
}

internal sealed class AnonymousCredential : GitHubCredential
{
    public static readonly AnonymousCredential Instance = new();

    public override string Key => "anonymous";

    public override ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuthenticationHeaderValue?>(null);
}

/// <summary>A personal access token.</summary>
internal sealed class PersonalAccessTokenCredential(string token) : GitHubCredential
{
    private readonly AuthenticationHeaderValue _header = new("Bearer", token);

    public override string Key { get; } = $"token:{Fingerprint(token)}";

    public override ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken) => ValueTask.FromResult<AuthenticationHeaderValue?>(_header);

    /// <summary>Eight hex digits of the token's SHA-256: tells tokens apart in logs without revealing them.</summary>
    internal static string Fingerprint(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];
}

/// <summary>The GitHub App itself (a JWT): only for the <c>/app</c> endpoints.</summary>
internal sealed class AppCredential(GitHubAppTokenProvider provider) : GitHubCredential
{
    public override string Key { get; } = $"app:{provider.AppId}";

    public override ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<AuthenticationHeaderValue?>(new AuthenticationHeaderValue("Bearer", provider.GetJwt()));

    public override bool Renew(AuthenticationHeaderValue? rejected)
    {
        provider.ForgetJwt();
        return true;
    }
}

/// <summary>An installation of the GitHub App: its cached access token.</summary>
internal sealed class InstallationCredential(GitHubAppTokenProvider provider, long installationId) : GitHubCredential
{
    public override string Key { get; } = $"installation:{installationId}";

    public override async ValueTask<AuthenticationHeaderValue?> GetAuthorizationAsync(CancellationToken cancellationToken)
    {
        var token = await provider.GetInstallationTokenAsync(installationId, cancellationToken);
        return new AuthenticationHeaderValue("Bearer", token.Token);
    }

    public override bool Renew(AuthenticationHeaderValue? rejected)
    {
        if (rejected?.Parameter is { } token)
        {
            provider.Forget(installationId, token);
        }

        return true;
    }
}
