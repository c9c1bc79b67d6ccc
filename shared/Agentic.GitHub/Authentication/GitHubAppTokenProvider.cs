using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Agentic.GitHub.Http;
using Agentic.GitHub.Models;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agentic.GitHub.Authentication;

/// <summary>
/// GitHub App authentication: RS256 JWTs from the app id and private key (issued 60 s in the past, expiring within
/// 10 minutes), exchanged for installation access tokens that are cached until shortly before they expire. Many
/// concurrent callers needing a new token cause exactly one token request. Use the tokens for git over HTTPS
/// (<c>x-access-token:&lt;token&gt;</c>) too.
/// </summary>
public sealed class GitHubAppTokenProvider : IDisposable
{
    private readonly GitHubAppOptions _options;
    private readonly GitHubHttpPipeline _pipeline;
    private readonly RSA _rsa;
    private readonly SigningCredentials _signingCredentials;
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };
    private readonly AppCredential _appCredential;
    private readonly ConcurrentDictionary<long, TokenSlot> _slots = new();
    private readonly ConcurrentDictionary<(long Installation, long Repository), TokenSlot> _repositorySlots = new();
    private readonly Lock _jwtLock = new();
    private string? _jwt;
    private DateTimeOffset _jwtRenewAt;

    internal GitHubAppTokenProvider(GitHubAppOptions options, GitHubHttpPipeline pipeline)
    {
        _options = options;
        _pipeline = pipeline;
        AppId = options.AppId ?? throw new InvalidOperationException("GitHub App authentication needs App.AppId.");
        _rsa = RSA.Create();
        try
        {
            _rsa.ImportFromPem(ReadPrivateKey(options));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            _rsa.Dispose();
            throw new InvalidOperationException("The GitHub App private key is not a valid PEM RSA key.", ex);
        }

        var key = new RsaSecurityKey(_rsa) { CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false } };
        _signingCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        _appCredential = new AppCredential(this);
    }

    public long AppId { get; }

    /// <summary>A new app JWT: <c>iss</c> = app id, <c>iat</c> 60 s in the past, <c>exp</c> after <see cref="GitHubAppOptions.JwtLifetime"/>.</summary>
    public string CreateJwt()
    {
        var now = _pipeline.Time.GetUtcNow();
        return CreateJwt(now);
    }

    /// <summary>An installation access token, from the cache while it is more than the refresh margin from expiring.</summary>
    public ValueTask<GitHubInstallationToken> GetInstallationTokenAsync(long installationId, CancellationToken cancellationToken) =>
        GetCachedAsync(_slots.GetOrAdd(installationId, static _ => new TokenSlot()), installationId, null, cancellationToken);

    /// <summary>
    /// A read-only token for one repository of an installation (<c>repository_ids: [id]</c>, <c>permissions: {contents:
    /// read}</c>; GitHub adds <c>metadata: read</c>), cached like the installation's own token. For a holder that must
    /// not act as the whole installation, e.g. the Executor cloning a repository.
    /// </summary>
    public ValueTask<GitHubInstallationToken> GetRepositoryReadTokenAsync(long installationId, long repositoryId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repositoryId);
        var body = System.Text.Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture, $$$"""{"repository_ids":[{{{repositoryId}}}],"permissions":{"contents":"read"}}"""));
        return GetCachedAsync(_repositorySlots.GetOrAdd((installationId, repositoryId), static _ => new TokenSlot()), installationId, body, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var slot in _repositorySlots.Values)
        {
            slot.Dispose();
        }

        foreach (var slot in _slots.Values)
        {
            slot.Dispose();
        }

        _rsa.Dispose();
    }

    internal string GetJwt()
    {
        var now = _pipeline.Time.GetUtcNow();
        lock (_jwtLock)
        {
            if (_jwt is null || now >= _jwtRenewAt)
            {
                _jwt = CreateJwt(now);
                // Renew a minute before expiry so a request never carries a JWT about to lapse.
                _jwtRenewAt = now + _options.JwtLifetime - TimeSpan.FromMinutes(1);
            }

            return _jwt;
        }
    }

    internal void ForgetJwt()
    {
        lock (_jwtLock)
        {
            _jwt = null;
        }
    }

    /// <summary>Drops a cached installation token GitHub rejected (unless another caller already replaced it).</summary>
    internal void Forget(long installationId, string token)
    {
        if (_slots.TryGetValue(installationId, out var slot))
        {
            var current = Volatile.Read(ref slot.Token);
            if (current is not null && current.Token == token)
            {
                Interlocked.CompareExchange(ref slot.Token, null, current);
            }
        }
    }

    private string CreateJwt(DateTimeOffset now)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AppId.ToString(CultureInfo.InvariantCulture),
            IssuedAt = (now - TimeSpan.FromSeconds(60)).UtcDateTime,
            Expires = (now + _options.JwtLifetime).UtcDateTime,
            SigningCredentials = _signingCredentials,
        };
        return _handler.CreateToken(descriptor);
    }

    private bool IsFresh(GitHubInstallationToken? token) =>
        token is not null && _pipeline.Time.GetUtcNow() < token.ExpiresAt - _options.TokenRefreshMargin;

    /// <summary>The slot's token while fresh; else one request (<paramref name="body"/>: the token's scope) under the slot's gate.</summary>
    private async ValueTask<GitHubInstallationToken> GetCachedAsync(TokenSlot slot, long installationId, byte[]? body, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref slot.Token);
        if (IsFresh(current))
        {
            return current!;
        }

        await slot.Gate.WaitAsync(cancellationToken);
        try
        {
            current = slot.Token;
            if (IsFresh(current))
            {
                return current!;
            }

            var token = await RequestTokenAsync(installationId, body, cancellationToken);
            Volatile.Write(ref slot.Token, token);
            return token;
        }
        finally
        {
            slot.Gate.Release();
        }
    }

    private async Task<GitHubInstallationToken> RequestTokenAsync(long installationId, byte[]? body, CancellationToken cancellationToken)
    {
        var uri = _pipeline.Resolve($"app/installations/{installationId.ToString(CultureInfo.InvariantCulture)}/access_tokens");
        var request = new PipelineRequest(HttpMethod.Post, uri, body, RetryIsSafe: true, UseCache: false);
        var response = await _pipeline.SendAsync(request, _appCredential, cancellationToken);
        _pipeline.Metrics.OnInstallationToken();
        var token = _pipeline.Deserialize(response, GitHubJsonContext.Default.GitHubInstallationToken, request);
        if (string.IsNullOrEmpty(token.Token))
        {
            throw new GitHubApiException(response.StatusCode, "The installation token answer has no token.", null, null, "POST", uri.AbsoluteUri);
        }

        GitHubClientLog.InstallationTokenCreated(_pipeline.Logger, installationId, token.ExpiresAt);
        return token;
    }

    private static string ReadPrivateKey(GitHubAppOptions options)
    {
        var pem = !string.IsNullOrWhiteSpace(options.PrivateKey)
            ? options.PrivateKey
            : File.ReadAllText(options.PrivateKeyPath ?? throw new InvalidOperationException("GitHub App authentication needs App.PrivateKey or App.PrivateKeyPath."));
        return pem.Contains("\\n", StringComparison.Ordinal) ? pem.Replace("\\n", "\n", StringComparison.Ordinal) : pem;
    }

    private sealed class TokenSlot : IDisposable
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public GitHubInstallationToken? Token;

        public void Dispose() => Gate.Dispose();
    }
}
