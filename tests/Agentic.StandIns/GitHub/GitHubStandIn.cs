using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.StandIns.GitHub;

/// <summary>
/// A stateful stand-in for the GitHub REST API and git smart HTTP, on loopback. It answers like GitHub: JSON shapes
/// of the official OpenAPI description, 401/404/422 errors with <c>message</c> and <c>documentation_url</c>, ETags
/// and free 304s, Link pagination, primary and secondary rate limits, installation tokens for RS256 app JWTs, and
/// job logs as a 302 to a second (storage) host that refuses an Authorization header.
/// <code>
/// await using var github = new GitHubStandIn();
/// var api = await github.StartAsync();                       // http://127.0.0.1:PORT/
/// var app = github.AddApp();                                  // app.Id, app.PrivateKeyPem
/// var installation = github.AddInstallation(app, "octo-org");
/// var repo = await github.CreateRepositoryAsync("octo-org", "hello", files: new Dictionary&lt;string, string?&gt; { ["README.md"] = "hi" });
/// repo.AddPullRequest("fix", ...); repo.AddWorkflowRun(new WorkflowRunSeed { ... });
/// </code>
/// </summary>
public sealed class GitHubStandIn : IAsyncDisposable
{
    /// <summary>The id of the GitHub Actions app, which owns workflow jobs' check runs (as on github.com).</summary>
    public const long ActionsAppId = 15368;

    /// <summary>The id of the app owning check runs seeded with <see cref="StandInRepository.AddCheckRun"/>.</summary>
    public const long ExternalCiAppId = 9001;

    public const string DocumentationUrl = "https://docs.github.com/rest";

    private readonly ConcurrentDictionary<long, StandInApp> _apps = new();
    private readonly ConcurrentDictionary<long, StandInInstallation> _installations = new();
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StandInRepository> _repositories = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, int> _tokenRequests = new();
    private readonly ConcurrentDictionary<string, RateWindow> _rateWindows = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DateTimeOffset>> _writes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _userIds = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<(long App, string Sha), long> _checkSuites = [];
    private readonly ConcurrentQueue<StandInRequest> _requests = new();
    private readonly ConcurrentQueue<StandInLogDownload> _logDownloads = new();
    private readonly ConcurrentQueue<StandInGitRequest> _gitRequests = new();
    private readonly List<StandInFault> _faults = [];
    private readonly byte[] _logSigningKey = RandomNumberGenerator.GetBytes(32);
    private readonly bool _ownsWorkRoot;
    private WebApplication? _api;
    private WebApplication? _logs;
    private long _lastId;
    private int _concurrent;
    private int _appCount;
    private int _maxConcurrent;

    public GitHubStandIn(GitHubStandInOptions? options = null)
    {
        Options = options ?? new GitHubStandInOptions();
        _lastId = Options.FirstId;
        _ownsWorkRoot = Options.WorkingDirectory is null;
        WorkRoot = Options.WorkingDirectory ?? Path.Combine(Path.GetTempPath(), $"github-standin-{Guid.NewGuid():N}"[..28]);
        Directory.CreateDirectory(Path.Combine(WorkRoot, "repos"));
    }

    public GitHubStandInOptions Options { get; }

    /// <summary>The API root (and git host), e.g. http://127.0.0.1:PORT/; set by <see cref="StartAsync"/>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The log storage host job-log downloads are redirected to.</summary>
    public Uri LogsBaseUri { get; private set; } = null!;

    /// <summary>Every API request answered, in order.</summary>
    public IReadOnlyList<StandInRequest> Requests => [.. _requests];

    public IReadOnlyList<StandInLogDownload> LogDownloads => [.. _logDownloads];

    public IReadOnlyList<StandInGitRequest> GitRequests => [.. _gitRequests];

    /// <summary>The most API requests in progress at once so far.</summary>
    public int MaxConcurrentRequests => Volatile.Read(ref _maxConcurrent);

    internal string WorkRoot { get; }

    internal Lock Gate { get; } = new();

    internal DateTimeOffset Now => Options.TimeProvider.GetUtcNow();

    /// <summary>Starts both hosts on free loopback ports; returns <see cref="BaseUri"/>.</summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        if (_api is not null)
        {
            return BaseUri;
        }

        _logs = CreateHost();
        new LogStorage(this).Map(_logs);
        await _logs.StartAsync(cancellationToken);
        LogsBaseUri = ListeningOn(_logs);

        _api = CreateHost(Options.ApiEndpoint);
        Options.MapMoreEndpoints?.Invoke(_api);
        new StandInApi(this).Map(_api);
        new GitHttpBackend(this).Map(_api);
        await _api.StartAsync(cancellationToken);
        BaseUri = ListeningOn(_api);
        return BaseUri;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { _api, _logs })
        {
            if (host is not null)
            {
                await host.StopAsync(CancellationToken.None);
                await host.DisposeAsync();
            }
        }

        foreach (var app in _apps.Values)
        {
            app.Dispose();
        }

        if (_ownsWorkRoot && Directory.Exists(WorkRoot))
        {
            try
            {
                Directory.Delete(WorkRoot, recursive: true);
            }
            catch (IOException)
            {
                // A git process still closing its files; the temp folder is left for the OS to clean.
            }
        }
    }

    // ---- Seeding

    /// <summary>A GitHub App with a new RSA key pair, or with <paramref name="privateKeyPem"/> (PKCS#1 or PKCS#8 PEM) when given.</summary>
    public StandInApp AddApp(string slug = "agentic", long? id = null, string? privateKeyPem = null)
    {
        var app = new StandInApp(id ?? NextId(), slug, $"{char.ToUpperInvariant(slug[0])}{slug[1..]}", privateKeyPem ?? AppKeys.For(Interlocked.Increment(ref _appCount) - 1));
        if (!_apps.TryAdd(app.Id, app))
        {
            app.Dispose();
            throw new InvalidOperationException($"App {app.Id} exists.");
        }

        return app;
    }

    /// <summary>Installs <paramref name="app"/> on <paramref name="account"/>, for all its repositories or the named ones.</summary>
    public StandInInstallation AddInstallation(StandInApp app, string account, long? id = null, IReadOnlyCollection<string>? repositories = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var installation = new StandInInstallation(id ?? NextId(), app, account, repositories);
        if (!_installations.TryAdd(installation.Id, installation))
        {
            throw new InvalidOperationException($"Installation {installation.Id} exists.");
        }

        return installation;
    }

    /// <summary>A personal access token of <paramref name="login"/>, good for every repository.</summary>
    public string AddPersonalAccessToken(string login)
    {
        var token = $"ghp_{RandomToken()}";
        _tokens[token] = new IssuedToken(null, login, DateTimeOffset.MaxValue);
        return token;
    }

    /// <summary>An installation token issued directly (what <c>POST /app/installations/{id}/access_tokens</c> returns).</summary>
    /// <param name="repositoryIds">As <c>repository_ids</c>: the token reads only these repositories; null: all of the installation's.</param>
    /// <param name="contentsReadOnly">As <c>permissions: {contents: read}</c>: git pushes are refused with 403.</param>
    public (string Token, DateTimeOffset ExpiresAt) IssueInstallationToken(long installationId, IReadOnlySet<long>? repositoryIds = null, bool contentsReadOnly = false)
    {
        var installation = _installations.TryGetValue(installationId, out var found) ? found : throw new InvalidOperationException($"No installation {installationId}.");
        var token = $"ghs_{RandomToken()}";
        var expiresAt = Now + Options.InstallationTokenLifetime;
        _tokens[token] = new IssuedToken(installation.Id, installation.App.BotLogin, expiresAt, repositoryIds, contentsReadOnly);
        return (token, expiresAt);
    }

    /// <summary>Revokes every token issued for an installation (as <c>DELETE /installation/token</c> or a key rotation would).</summary>
    public void RevokeInstallationTokens(long installationId)
    {
        foreach (var (token, issued) in _tokens)
        {
            if (issued.InstallationId == installationId)
            {
                _tokens.TryRemove(token, out _);
            }
        }
    }

    /// <summary>How many installation tokens were requested through the API for an installation.</summary>
    public int TokenRequests(long installationId) => _tokenRequests.TryGetValue(installationId, out var count) ? count : 0;

    /// <summary>
    /// A repository backed by a new bare git repository; seeded from <paramref name="sourceDirectory"/> and/or
    /// <paramref name="files"/> as the first commit of <paramref name="defaultBranch"/>. In a kept
    /// <see cref="GitHubStandInOptions.WorkingDirectory"/>, a bare repository left by an earlier run is reused as it is.
    /// </summary>
    public async Task<StandInRepository> CreateRepositoryAsync(
        string owner,
        string name,
        bool isPrivate = false,
        string defaultBranch = "main",
        string? sourceDirectory = null,
        IReadOnlyDictionary<string, string?>? files = null,
        long? id = null,
        CancellationToken cancellationToken = default)
    {
        var gitDirectory = Path.Combine(WorkRoot, "repos", owner, $"{name}.git");
        Directory.CreateDirectory(Path.GetDirectoryName(gitDirectory)!);
        (await GitCommand.RunAsync(WorkRoot, ["init", "--quiet", "--bare", $"--initial-branch={defaultBranch}", gitDirectory], cancellationToken)).EnsureSuccess("init");
        var repository = new StandInRepository(this, id ?? NextId(), owner, name, isPrivate, defaultBranch, gitDirectory, Now);
        (await repository.GitAsync(["config", "http.receivepack", "true"], cancellationToken)).EnsureSuccess("config");
        if (!_repositories.TryAdd(repository.FullName, repository))
        {
            throw new InvalidOperationException($"{repository.FullName} exists.");
        }

        if (sourceDirectory is not null)
        {
            await repository.CommitDirectoryAsync(defaultBranch, sourceDirectory, "Initial commit", cancellationToken);
        }

        if (files is { Count: > 0 })
        {
            await repository.CommitFilesAsync(defaultBranch, files, sourceDirectory is null ? "Initial commit" : "Add files", cancellationToken);
        }

        return repository;
    }

    public StandInRepository GetRepository(string owner, string name) =>
        FindRepository(owner, name) ?? throw new InvalidOperationException($"No repository {owner}/{name}.");

    /// <summary>Queues a failure for the next matching API requests.</summary>
    public void EnqueueFault(StandInFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        fault.Remaining = fault.Times;
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>The primary-limit state of an identity (<c>installation:ID</c>, <c>user:LOGIN</c>, <c>app:ID</c>).</summary>
    public (int Limit, int Used, DateTimeOffset ResetAt) RateLimitOf(string identity)
    {
        var window = _rateWindows.GetOrAdd(identity, _ => new RateWindow());
        lock (window)
        {
            return (Options.RateLimit, window.Used, window.ResetAt);
        }
    }

    // ---- Internals used by the hosts

    internal long NextId() => Interlocked.Increment(ref _lastId);

    internal long UserId(string login) => _userIds.GetOrAdd(login, _ => NextId());

    internal long CheckSuiteFor(long appId, string headSha)
    {
        lock (Gate)
        {
            if (!_checkSuites.TryGetValue((appId, headSha), out var id))
            {
                id = NextId();
                _checkSuites[(appId, headSha)] = id;
            }

            return id;
        }
    }

    internal StandInRepository? FindRepository(string owner, string name) =>
        _repositories.TryGetValue($"{owner}/{name}", out var repository) ? repository : null;

    internal StandInRepository? FindRepositoryById(long id) => _repositories.Values.FirstOrDefault(r => r.Id == id);

    /// <summary>Deletes a repository and its git data (as <c>DELETE /repos/{owner}/{repo}</c>): the name is free to re-create, with a new id.</summary>
    public void DeleteRepository(string owner, string name)
    {
        if (_repositories.TryRemove($"{owner}/{name}", out var repository) && Directory.Exists(repository.GitDirectory))
        {
            Directory.Delete(repository.GitDirectory, recursive: true);
        }
    }

    internal StandInApp? FindApp(long id) => _apps.TryGetValue(id, out var app) ? app : null;

    internal StandInInstallation? FindInstallation(long id) => _installations.TryGetValue(id, out var installation) ? installation : null;

    internal string? FindJobLog(long jobId) =>
        _repositories.Values.SelectMany(r => r.WorkflowRunList).SelectMany(r => r.Jobs).FirstOrDefault(j => j.Id == jobId)?.Log;

    internal void OnTokenRequest(long installationId) => _tokenRequests.AddOrUpdate(installationId, 1, (_, count) => count + 1);

    /// <summary>The caller a token stands for, or null when unknown or expired.</summary>
    internal StandInCaller? Authenticate(string token)
    {
        if (!_tokens.TryGetValue(token, out var issued) || Now >= issued.ExpiresAt)
        {
            return null;
        }

        return issued.InstallationId is { } installationId
            ? new StandInCaller($"installation:{installationId}", issued.Login, FindInstallation(installationId), null, issued.RepositoryIds, issued.ContentsReadOnly)
            : new StandInCaller($"user:{issued.Login}", issued.Login, null, null);
    }

    internal static bool CanAccess(StandInCaller caller, StandInRepository repository) =>
        (caller.Installation is null || caller.Installation.Covers(repository.Owner, repository.Name))
        && (caller.RepositoryIds is null || caller.RepositoryIds.Contains(repository.Id));

    internal void Record(StandInRequest request) => _requests.Enqueue(request);

    internal void Record(StandInLogDownload download) => _logDownloads.Enqueue(download);

    internal void Record(StandInGitRequest request) => _gitRequests.Enqueue(request);

    internal int EnterRequest()
    {
        var now = Interlocked.Increment(ref _concurrent);
        int max;
        do
        {
            max = Volatile.Read(ref _maxConcurrent);
        }
        while (now > max && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max);
        return now;
    }

    internal void LeaveRequest() => Interlocked.Decrement(ref _concurrent);

    internal int EnterIdentity(string identity) => _inFlight.AddOrUpdate(identity, 1, (_, n) => n + 1);

    internal void LeaveIdentity(string identity) => _inFlight.AddOrUpdate(identity, 0, (_, n) => n - 1);

    /// <summary>Counts a content-creating request; false when the per-minute secondary limit is exceeded.</summary>
    internal bool TryCountWrite(string identity)
    {
        if (Options.SecondaryMaxWritesPerMinute is not { } max)
        {
            return true;
        }

        var queue = _writes.GetOrAdd(identity, _ => new ConcurrentQueue<DateTimeOffset>());
        lock (queue)
        {
            var now = Now;
            while (queue.TryPeek(out var at) && now - at >= TimeSpan.FromMinutes(1))
            {
                queue.TryDequeue(out _);
            }

            if (queue.Count >= max)
            {
                return false;
            }

            queue.Enqueue(now);
            return true;
        }
    }

    /// <summary>Takes one request from the identity's primary budget; false when it is spent.</summary>
    internal bool TryConsume(string identity, out RateLimitSnapshot snapshot)
    {
        var window = _rateWindows.GetOrAdd(identity, _ => new RateWindow());
        lock (window)
        {
            var now = Now;
            if (now >= window.ResetAt)
            {
                window.Used = 0;
                window.ResetAt = now + Options.RateLimitWindow;
            }

            var allowed = window.Used < Options.RateLimit;
            if (allowed)
            {
                window.Used++;
            }

            snapshot = new RateLimitSnapshot(Options.RateLimit, window.Used, window.ResetAt);
            return allowed;
        }
    }

    /// <summary>Gives back a request a 304 answered (conditional requests are free).</summary>
    internal RateLimitSnapshot Refund(string identity)
    {
        var window = _rateWindows.GetOrAdd(identity, _ => new RateWindow());
        lock (window)
        {
            window.Used = Math.Max(0, window.Used - 1);
            return new RateLimitSnapshot(Options.RateLimit, window.Used, window.ResetAt);
        }
    }

    internal StandInFault? TakeFault(string method, string path)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f =>
                (f.Method is null || string.Equals(f.Method, method, StringComparison.OrdinalIgnoreCase))
                && (f.PathContains is null || path.Contains(f.PathContains, StringComparison.Ordinal))
                && (f.PathEndsWith is null || path.EndsWith(f.PathEndsWith, StringComparison.Ordinal)));
            if (fault is null)
            {
                return null;
            }

            if (--fault.Remaining <= 0)
            {
                _faults.Remove(fault);
            }

            return fault;
        }
    }

    internal string SignLog(long jobId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_logSigningKey, System.Text.Encoding.UTF8.GetBytes($"{jobId.ToString(CultureInfo.InvariantCulture)}:{expires.ToString(CultureInfo.InvariantCulture)}")));

    private static string RandomToken() =>
        string.Create(36, 0, static (span, _) =>
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
            }
        });

    private static WebApplication CreateHost(IPEndPoint? endpoint = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(GitHubStandIn).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "Production",
        });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(endpoint ?? new IPEndPoint(IPAddress.Loopback, 0));
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.AddServerHeader = false;
        });
        return builder.Build();
    }

    private static Uri ListeningOn(WebApplication host)
    {
        var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>
    /// RSA-2048 key pairs, generated once per process and reused by every stand-in (the n-th app of each gets the
    /// n-th key): generating one takes long enough to dominate a short test.
    /// </summary>
    private static class AppKeys
    {
        private static readonly ConcurrentDictionary<int, Lazy<string>> Keys = new();

        public static string For(int ordinal) => Keys.GetOrAdd(ordinal, static _ => new Lazy<string>(Generate)).Value;

        private static string Generate()
        {
            using var rsa = RSA.Create(2048);
            return rsa.ExportRSAPrivateKeyPem();
        }
    }

    private sealed record IssuedToken(long? InstallationId, string Login, DateTimeOffset ExpiresAt, IReadOnlySet<long>? RepositoryIds = null, bool ContentsReadOnly = false);

    private sealed class RateWindow
    {
        public int Used;
        public DateTimeOffset ResetAt = DateTimeOffset.MinValue;
    }
}

/// <summary>Who a request comes from: the rate-limit identity, the login shown as author, the installation if any.</summary>
internal sealed record StandInCaller(
    string Identity, string Login, StandInInstallation? Installation, StandInApp? App, IReadOnlySet<long>? RepositoryIds = null, bool ContentsReadOnly = false);

internal sealed record RateLimitSnapshot(int Limit, int Used, DateTimeOffset ResetAt)
{
    public int Remaining => Math.Max(0, Limit - Used);
}
