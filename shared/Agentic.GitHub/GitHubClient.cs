using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agentic.GitHub.Authentication;
using Agentic.GitHub.Http;
using Agentic.GitHub.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Agentic.GitHub;

/// <summary>
/// The GitHub REST calls Agentic makes. One instance per container (register with
/// <see cref="GitHubServiceCollectionExtensions.AddGitHubClient"/>); it acts as the configured credential (an
/// installation of the GitHub App, or a personal access token) and <see cref="ForInstallation"/> gives views acting
/// as other installations. All views share the ETag cache, the rate-limit governors and <see cref="Metrics"/>.
/// </summary>
public sealed class GitHubClient : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> the client takes from <see cref="IHttpClientFactory"/>.</summary>
    public const string HttpClientName = "Agentic.GitHub";

    private const int MaxPerPage = 100;

    private readonly GitHubHttpPipeline _pipeline;
    private readonly GitHubCredential _credential;
    private readonly GitHubAppTokenProvider? _appTokens;
    private readonly string? _personalToken;
    private readonly IDisposable? _ownedHttpClient;
    private readonly bool _ownsPipeline;

    public GitHubClient(
        IHttpClientFactory httpClientFactory,
        IOptions<GitHubClientOptions> options,
        GitHubClientMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
        : this(() => httpClientFactory.CreateClient(HttpClientName), options.Value, metrics, timeProvider, loggerFactory.CreateLogger<GitHubClient>(), null)
    {
    }

    private GitHubClient(Func<HttpClient> httpClient, GitHubClientOptions options, GitHubClientMetrics metrics, TimeProvider time, ILogger logger, IDisposable? ownedHttpClient)
    {
        _pipeline = new GitHubHttpPipeline(httpClient, options, metrics, time, logger);
        _ownsPipeline = true;
        _ownedHttpClient = ownedHttpClient;
        _appTokens = options.App.IsConfigured ? new GitHubAppTokenProvider(options.App, _pipeline) : null;
        _personalToken = string.IsNullOrWhiteSpace(options.Token) ? null : options.Token;
        _credential = (options, _appTokens) switch
        {
            ({ App.InstallationId: { } installation }, { } tokens) => new InstallationCredential(tokens, installation),
            ({ Token: { Length: > 0 } token }, _) => new PersonalAccessTokenCredential(token),
            (_, { } tokens) => new AppCredential(tokens),
            _ => AnonymousCredential.Instance,
        };
    }

    private GitHubClient(GitHubClient root, GitHubCredential credential)
    {
        _pipeline = root._pipeline;
        _appTokens = root._appTokens;
        _personalToken = root._personalToken;
        _credential = credential;
    }

    /// <summary>What this client (and its views) did: requests, 304s, retries, rate-limit waits.</summary>
    public GitHubClientMetrics Metrics => _pipeline.Metrics;

    /// <summary>The API root requests go to.</summary>
    public Uri BaseUrl => _pipeline.BaseUrl;

    /// <summary>App JWTs and installation tokens (e.g. for <c>git push</c>); throws when no GitHub App is configured.</summary>
    public GitHubAppTokenProvider AppTokens =>
        _appTokens ?? throw new InvalidOperationException("GitHub App authentication is not configured (GitHub:Api:App:AppId and PrivateKey).");

    /// <summary>A client outside dependency injection (tools, benchmarks). Without <paramref name="httpClient"/> it makes and owns one.</summary>
    public static GitHubClient Create(GitHubClientOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var owned = httpClient is null ? CreateHttpClient(options) : null;
        var client = httpClient ?? owned!;
        var logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<GitHubClient>();
        return new GitHubClient(() => client, options, new GitHubClientMetrics(), timeProvider ?? TimeProvider.System, logger, owned);
    }

    /// <summary>The handler the client expects: no automatic redirects (log downloads follow them without credentials).</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.All,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    };

    /// <summary>A view of this client acting as another installation of the GitHub App.</summary>
    public GitHubClient ForInstallation(long installationId) => new(this, new InstallationCredential(AppTokens, installationId));

    /// <summary>True with a token or a GitHub App; without either, services answer "GitHub access is not configured".</summary>
    public bool HasCredentials => _appTokens is not null || _personalToken is not null;

    /// <summary>True when acting as a GitHub App (check runs, for one, are only accepted from Apps).</summary>
    public bool IsApp => _appTokens is not null;

    /// <summary>
    /// The client to use for a repository: as its installation when a GitHub App is configured and the installation is
    /// known, else this client (a personal access token). Views share this client's resources: do not dispose them.
    /// </summary>
    public GitHubClient ForRepository(long installationId) =>
        _appTokens is not null && installationId > 0 ? ForInstallation(installationId) : this;

    /// <summary>The token <c>git</c> authenticates with (HTTP Basic, user <c>x-access-token</c>) for a repository's installation.</summary>
    public async Task<string> GetGitTokenAsync(long installationId, CancellationToken cancellationToken) =>
        _appTokens is not null && installationId > 0
            ? (await _appTokens.GetInstallationTokenAsync(installationId, cancellationToken)).Token
            : _personalToken ?? throw new InvalidOperationException("GitHub access is not configured (GitHub:Api:Token or GitHub:Api:App).");

    // ---- Repositories and contents

    public Task<GitHubRepository> GetRepositoryAsync(string owner, string repo, CancellationToken cancellationToken) =>
        GetAsync(Repo(owner, repo), GitHubJsonContext.Default.GitHubRepository, cancellationToken);

    /// <summary>A file's metadata and base64 content (decode with <see cref="GitHubContent.GetDecodedContent"/>); null when it does not exist.</summary>
    public async Task<GitHubContent?> GetFileContentAsync(string owner, string repo, string path, string? gitRef, CancellationToken cancellationToken)
    {
        var query = gitRef is null ? "" : $"?ref={Uri.EscapeDataString(gitRef)}";
        var request = new PipelineRequest(HttpMethod.Get, _pipeline.Resolve($"{Repo(owner, repo)}/contents/{EscapePath(path)}{query}"));
        PipelineResponse response;
        try
        {
            response = await _pipeline.SendAsync(request, _credential, cancellationToken);
        }
        catch (GitHubApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.Body.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'[', ..])
        {
            throw new InvalidOperationException($"'{path}' in {owner}/{repo} is a directory, not a file.");
        }

        return _pipeline.Deserialize(response, GitHubJsonContext.Default.GitHubContent, request);
    }

    // ---- Pull requests

    /// <summary>Pull requests, all pages. <paramref name="state"/>: open, closed or all; <paramref name="head"/>: <c>owner:branch</c>.</summary>
    public IAsyncEnumerable<GitHubPullRequest> ListPullRequestsAsync(
        string owner,
        string repo,
        string state = "open",
        string? head = null,
        string? baseBranch = null,
        int perPage = MaxPerPage,
        CancellationToken cancellationToken = default)
    {
        var query = $"?state={Uri.EscapeDataString(state)}{Optional("head", head)}{Optional("base", baseBranch)}&per_page={PerPage(perPage)}";
        return PaginateAsync($"{Repo(owner, repo)}/pulls{query}", GitHubJsonContext.Default.IReadOnlyListGitHubPullRequest, page => page, cancellationToken);
    }

    public Task<GitHubPullRequest> GetPullRequestAsync(string owner, string repo, int number, CancellationToken cancellationToken) =>
        GetAsync($"{Repo(owner, repo)}/pulls/{Number(number)}", GitHubJsonContext.Default.GitHubPullRequest, cancellationToken);

    public Task<GitHubPullRequest> CreatePullRequestAsync(string owner, string repo, NewPullRequest pullRequest, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Repo(owner, repo)}/pulls", pullRequest, GitHubJsonContext.Default.NewPullRequest, GitHubJsonContext.Default.GitHubPullRequest, cancellationToken);

    /// <summary>Creates a review, with inline comments; with an <see cref="NewPullRequestReview.Event"/> it is submitted at once.</summary>
    public Task<GitHubPullRequestReview> CreateReviewAsync(string owner, string repo, int number, NewPullRequestReview review, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Repo(owner, repo)}/pulls/{Number(number)}/reviews", review, GitHubJsonContext.Default.NewPullRequestReview, GitHubJsonContext.Default.GitHubPullRequestReview, cancellationToken);

    // ---- Checks

    /// <summary>Check runs of a commit (SHA, branch or tag), all pages. <paramref name="filter"/>: latest or all.</summary>
    public IAsyncEnumerable<GitHubCheckRun> ListCheckRunsForRefAsync(
        string owner,
        string repo,
        string gitRef,
        string? checkName = null,
        string? status = null,
        string filter = "latest",
        int perPage = MaxPerPage,
        CancellationToken cancellationToken = default)
    {
        var query = $"?filter={Uri.EscapeDataString(filter)}{Optional("check_name", checkName)}{Optional("status", status)}&per_page={PerPage(perPage)}";
        return PaginateAsync($"{Repo(owner, repo)}/commits/{EscapePath(gitRef)}/check-runs{query}", GitHubJsonContext.Default.GitHubCheckRunList, page => page.CheckRuns, cancellationToken);
    }

    public Task<GitHubCheckRun> GetCheckRunAsync(string owner, string repo, long checkRunId, CancellationToken cancellationToken) =>
        GetAsync($"{Repo(owner, repo)}/check-runs/{Number(checkRunId)}", GitHubJsonContext.Default.GitHubCheckRun, cancellationToken);

    public IAsyncEnumerable<GitHubCheckAnnotation> ListCheckRunAnnotationsAsync(string owner, string repo, long checkRunId, int perPage = MaxPerPage, CancellationToken cancellationToken = default) =>
        PaginateAsync($"{Repo(owner, repo)}/check-runs/{Number(checkRunId)}/annotations?per_page={PerPage(perPage)}", GitHubJsonContext.Default.IReadOnlyListGitHubCheckAnnotation, page => page, cancellationToken);

    public Task<GitHubCheckRun> CreateCheckRunAsync(string owner, string repo, NewCheckRun checkRun, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Repo(owner, repo)}/check-runs", checkRun, GitHubJsonContext.Default.NewCheckRun, GitHubJsonContext.Default.GitHubCheckRun, cancellationToken);

    public Task<GitHubCheckRun> UpdateCheckRunAsync(string owner, string repo, long checkRunId, CheckRunUpdate update, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, $"{Repo(owner, repo)}/check-runs/{Number(checkRunId)}", update, GitHubJsonContext.Default.CheckRunUpdate, GitHubJsonContext.Default.GitHubCheckRun, cancellationToken);

    // ---- Actions

    public Task<GitHubWorkflowRun> GetWorkflowRunAsync(string owner, string repo, long runId, CancellationToken cancellationToken) =>
        GetAsync($"{Repo(owner, repo)}/actions/runs/{Number(runId)}", GitHubJsonContext.Default.GitHubWorkflowRun, cancellationToken);

    /// <summary>The workflow runs of a check suite (a check run's <c>check_suite.id</c>), all pages.</summary>
    public IAsyncEnumerable<GitHubWorkflowRun> ListWorkflowRunsForCheckSuiteAsync(string owner, string repo, long checkSuiteId, int perPage = MaxPerPage, CancellationToken cancellationToken = default) =>
        PaginateAsync($"{Repo(owner, repo)}/actions/runs?check_suite_id={Number(checkSuiteId)}&per_page={PerPage(perPage)}", GitHubJsonContext.Default.GitHubWorkflowRunList, page => page.WorkflowRuns, cancellationToken);

    /// <summary>The jobs of a workflow run, all pages. <paramref name="filter"/>: latest (the last attempt) or all.</summary>
    public IAsyncEnumerable<GitHubJob> ListJobsForWorkflowRunAsync(string owner, string repo, long runId, string filter = "latest", int perPage = MaxPerPage, CancellationToken cancellationToken = default) =>
        PaginateAsync($"{Repo(owner, repo)}/actions/runs/{Number(runId)}/jobs?filter={Uri.EscapeDataString(filter)}&per_page={PerPage(perPage)}", GitHubJsonContext.Default.GitHubJobList, page => page.Jobs, cancellationToken);

    /// <summary>The jobs of every workflow run of a check suite.</summary>
    public async IAsyncEnumerable<GitHubJob> ListJobsForCheckSuiteAsync(string owner, string repo, long checkSuiteId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var run in ListWorkflowRunsForCheckSuiteAsync(owner, repo, checkSuiteId, cancellationToken: cancellationToken))
        {
            await foreach (var job in ListJobsForWorkflowRunAsync(owner, repo, run.Id, cancellationToken: cancellationToken))
            {
                yield return job;
            }
        }
    }

    public Task<GitHubJob> GetJobAsync(string owner, string repo, long jobId, CancellationToken cancellationToken) =>
        GetAsync($"{Repo(owner, repo)}/actions/jobs/{Number(jobId)}", GitHubJsonContext.Default.GitHubJob, cancellationToken);

    /// <summary>
    /// A job's log as a stream. GitHub answers 302 to a pre-signed URL on another host; that URL is fetched without
    /// the Authorization header. Dispose the stream.
    /// </summary>
    public async Task<Stream> DownloadJobLogsAsync(string owner, string repo, long jobId, CancellationToken cancellationToken)
    {
        var request = new PipelineRequest(HttpMethod.Get, _pipeline.Resolve($"{Repo(owner, repo)}/actions/jobs/{Number(jobId)}/logs"), AllowRedirect: true, UseCache: false);
        var response = await _pipeline.SendAsync(request, _credential, cancellationToken);
        return response.Location is { } location
            ? await _pipeline.OpenUnauthenticatedAsync(location, cancellationToken)
            : new MemoryStream(response.Body, writable: false);
    }

    /// <summary>Re-runs one job of a workflow run (and the jobs that depend on it).</summary>
    public async Task RerunJobAsync(string owner, string repo, long jobId, bool enableDebugLogging = false, CancellationToken cancellationToken = default)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new JobRerun { EnableDebugLogging = enableDebugLogging }, GitHubJsonContext.Default.JobRerun);
        var request = new PipelineRequest(HttpMethod.Post, _pipeline.Resolve($"{Repo(owner, repo)}/actions/jobs/{Number(jobId)}/rerun"), body);
        await _pipeline.SendAsync(request, _credential, cancellationToken);
    }

    // ---- Issue comments

    public IAsyncEnumerable<GitHubIssueComment> ListIssueCommentsAsync(string owner, string repo, int issueNumber, int perPage = MaxPerPage, CancellationToken cancellationToken = default) =>
        PaginateAsync($"{Repo(owner, repo)}/issues/{Number(issueNumber)}/comments?per_page={PerPage(perPage)}", GitHubJsonContext.Default.IReadOnlyListGitHubIssueComment, page => page, cancellationToken);

    public Task<GitHubIssueComment> CreateIssueCommentAsync(string owner, string repo, int issueNumber, string body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Repo(owner, repo)}/issues/{Number(issueNumber)}/comments", new IssueCommentBody { Body = body }, GitHubJsonContext.Default.IssueCommentBody, GitHubJsonContext.Default.GitHubIssueComment, cancellationToken);

    public Task<GitHubIssueComment> UpdateIssueCommentAsync(string owner, string repo, long commentId, string body, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, $"{Repo(owner, repo)}/issues/comments/{Number(commentId)}", new IssueCommentBody { Body = body }, GitHubJsonContext.Default.IssueCommentBody, GitHubJsonContext.Default.GitHubIssueComment, cancellationToken);

    // ---- Git references

    /// <summary>A reference such as <c>heads/main</c> (or <c>refs/heads/main</c>); null when it does not exist.</summary>
    public async Task<GitHubReference?> GetReferenceAsync(string owner, string repo, string gitRef, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync($"{Repo(owner, repo)}/git/ref/{EscapePath(ShortRef(gitRef))}", GitHubJsonContext.Default.GitHubReference, cancellationToken);
        }
        catch (GitHubApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates <paramref name="gitRef"/> (<c>refs/heads/branch</c>; a missing <c>refs/</c> is added) at <paramref name="sha"/>.</summary>
    public Task<GitHubReference> CreateReferenceAsync(string owner, string repo, string gitRef, string sha, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"{Repo(owner, repo)}/git/refs", new NewReference { Ref = $"refs/{ShortRef(gitRef)}", Sha = sha }, GitHubJsonContext.Default.NewReference, GitHubJsonContext.Default.GitHubReference, cancellationToken);

    /// <summary>Moves a reference; without <paramref name="force"/> only fast-forward.</summary>
    public Task<GitHubReference> UpdateReferenceAsync(string owner, string repo, string gitRef, string sha, bool force, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Patch, $"{Repo(owner, repo)}/git/refs/{EscapePath(ShortRef(gitRef))}", new ReferenceUpdate { Sha = sha, Force = force }, GitHubJsonContext.Default.ReferenceUpdate, GitHubJsonContext.Default.GitHubReference, cancellationToken);

    public async Task DeleteReferenceAsync(string owner, string repo, string gitRef, CancellationToken cancellationToken)
    {
        var request = new PipelineRequest(HttpMethod.Delete, _pipeline.Resolve($"{Repo(owner, repo)}/git/refs/{EscapePath(ShortRef(gitRef))}"));
        await _pipeline.SendAsync(request, _credential, cancellationToken);
    }

    public void Dispose()
    {
        if (!_ownsPipeline)
        {
            return;
        }

        _appTokens?.Dispose();
        _pipeline.Dispose();
        _ownedHttpClient?.Dispose();
    }

    internal static HttpClient CreateHttpClient(GitHubClientOptions options) =>
        new(CreateHandler(), disposeHandler: true) { Timeout = options.Timeout };

    private async Task<T> GetAsync<T>(string relative, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var request = new PipelineRequest(HttpMethod.Get, _pipeline.Resolve(relative));
        var response = await _pipeline.SendAsync(request, _credential, cancellationToken);
        return _pipeline.Deserialize(response, type, request);
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        HttpMethod method,
        string relative,
        TRequest body,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var request = new PipelineRequest(method, _pipeline.Resolve(relative), JsonSerializer.SerializeToUtf8Bytes(body, requestType));
        var response = await _pipeline.SendAsync(request, _credential, cancellationToken);
        return _pipeline.Deserialize(response, responseType, request);
    }

    private async IAsyncEnumerable<TItem> PaginateAsync<TPage, TItem>(
        string relative,
        JsonTypeInfo<TPage> pageType,
        Func<TPage, IReadOnlyList<TItem>> items,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? next = _pipeline.Resolve(relative);
        while (next is not null)
        {
            var request = new PipelineRequest(HttpMethod.Get, next);
            var response = await _pipeline.SendAsync(request, _credential, cancellationToken);
            var page = _pipeline.Deserialize(response, pageType, request);
            foreach (var item in items(page))
            {
                yield return item;
            }

            next = LinkHeader.Find(response.Link, "next") is { } link ? new Uri(next, link) : null;
            if (next is not null && !_pipeline.IsApiUri(next))
            {
                throw new GitHubApiException(response.StatusCode, $"The next page link points outside the API ({_pipeline.Describe(next)}).", null, null, "GET", _pipeline.Describe(request.Uri));
            }
        }
    }

    private static string Repo(string owner, string repo)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        ArgumentException.ThrowIfNullOrWhiteSpace(repo);
        return $"repos/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(repo)}";
    }

    private static string EscapePath(string path) =>
        string.Join('/', path.Trim('/').Split('/').Select(Uri.EscapeDataString));

    private static string ShortRef(string gitRef) =>
        gitRef.StartsWith("refs/", StringComparison.Ordinal) ? gitRef["refs/".Length..] : gitRef;

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static int PerPage(int perPage) => Math.Clamp(perPage, 1, MaxPerPage);

    private static string Optional(string name, string? value) =>
        value is null ? "" : $"&{name}={Uri.EscapeDataString(value)}";
}
