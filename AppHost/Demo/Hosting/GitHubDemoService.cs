using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Agentic.Demo.Options;
using Agentic.Demo.Seeding;
using Agentic.StandIns.GitHub;
using Microsoft.Extensions.Options;

namespace Agentic.Demo.Hosting;

/// <summary>
/// Runs the demo GitHub: the GitHub stand-in (REST API, git smart HTTP, job logs) on the configured loopback URL with
/// its bare repositories in the state folder; the demo repository, created on the first run and kept; and on every
/// start a new pull request (#run) whose <c>format</c> check failed, announced to the gateway as GitHub would
/// (signed <c>check_run completed</c>) as soon as the gateway answers. <c>/health</c> answers 200 once all is seeded;
/// <c>/</c> shows what the system has done on the pull request so far.
/// </summary>
public sealed class GitHubDemoService(
    IOptions<GitHubDemoOptions> options, DemoProjectSeeder seeder, IHttpClientFactory httpClients, ILogger<GitHubDemoService> logger) : BackgroundService
{
    public const string GatewayClient = "gateway";

    /// <summary>The demo repository's id; every run hands out ids above <see cref="IdsPerRun"/> × run, so none repeats across runs.</summary>
    public const long RepositoryId = 4_200_001;

    private const long IdsPerRun = 10_000_000;

    private readonly GitHubDemoOptions _settings = options.Value;
    private GitHubStandIn? _gitHub;
    private volatile DemoPullRequest? _demo;
    private volatile string _delivery = "waiting for the gateway";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_settings.StateDirectory);
        var run = NextRun();
        var url = _settings.Url!;
        _gitHub = new GitHubStandIn(new GitHubStandInOptions
        {
            WorkingDirectory = Path.Combine(_settings.StateDirectory, "github"),
            ApiEndpoint = new IPEndPoint(IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) ? address : IPAddress.Loopback, url.Port),
            FirstId = run * IdsPerRun,
            MapMoreEndpoints = app =>
            {
                app.MapGet("/health", () => _demo is null ? Results.Text("seeding", statusCode: StatusCodes.Status503ServiceUnavailable) : Results.Text("ready"));
                app.MapGet("/", () => Results.Text(Describe()));
            },
        });
        await _gitHub.StartAsync(cancellationToken);

        var seed = await seeder.EnsureAsync(cancellationToken);
        _demo = await OpenPullRequestAsync(_gitHub, seed, run, cancellationToken);
        DemoLog.Ready(logger, _gitHub.BaseUri, _demo.Repository.FullName, _demo.PullRequest.Number, _demo.PullRequest.HeadSha!, _demo.Job.Name, _demo.Repository.CloneUrl);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_gitHub is not null)
        {
            await _gitHub.DisposeAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var http = httpClients.CreateClient(GatewayClient);
        var health = _settings.ResolvedGatewayHealthUrl;
        DemoLog.WaitingForGateway(logger, health);
        while (!await AnswersAsync(http, health, stoppingToken))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), stoppingToken);
        }

        // One delivery id for every try: the gateway records a delivery once, as it would GitHub's redelivery.
        var deliveryId = Guid.NewGuid().ToString();
        var payload = StandInWebhooks.CheckRunCompleted(_demo!.Repository, _settings.InstallationId, _demo.PullRequest, _demo.Job);
        var webhook = _settings.GatewayWebhookUrl!;
        while (true)
        {
            string reason;
            try
            {
                using var response = await StandInWebhooks.DeliverAsync(http, webhook, "check_run", payload, _settings.WebhookSecret, deliveryId, stoppingToken);
                var status = (int)response.StatusCode;
                if (response.IsSuccessStatusCode)
                {
                    _delivery = $"check_run webhook delivered ({deliveryId}): {status}";
                    DemoLog.Delivered(logger, webhook, deliveryId, status);
                    return;
                }

                if (status < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    var body = await response.Content.ReadAsStringAsync(stoppingToken);
                    _delivery = $"check_run webhook refused by the gateway: {status}";
                    DemoLog.DeliveryRefused(logger, status, body.Length > 500 ? body[..500] : body);
                    return;
                }

                reason = status.ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException e)
            {
                reason = e.Message;
            }
            catch (TaskCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                reason = "timed out";
            }

            DemoLog.DeliveryRetry(logger, webhook, reason);
            await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    private static async Task<bool> AnswersAsync(HttpClient http, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The repository (created once, kept in the state folder) and this run's pull request with its failed CI run.</summary>
    private async Task<DemoPullRequest> OpenPullRequestAsync(GitHubStandIn gitHub, DemoSeed seed, long run, CancellationToken cancellationToken)
    {
        var app = gitHub.AddApp("agentic", _settings.AppId, await PrivateKeyAsync(cancellationToken));
        gitHub.AddInstallation(app, _settings.Owner, _settings.InstallationId);
        var repository = await gitHub.CreateRepositoryAsync(_settings.Owner, _settings.Repository, id: RepositoryId, cancellationToken: cancellationToken);
        if (repository.ReadRef(repository.DefaultBranch) is { } main && !await MatchesAsync(repository, main, seed, cancellationToken))
        {
            // Made from an earlier seed (another prettier version): made again from this one.
            gitHub.DeleteRepository(_settings.Owner, _settings.Repository);
            repository = await gitHub.CreateRepositoryAsync(_settings.Owner, _settings.Repository, id: RepositoryId, cancellationToken: cancellationToken);
        }

        if (repository.ReadRef(repository.DefaultBranch) is null)
        {
            await repository.CommitFilesAsync(repository.DefaultBranch, Nullable(seed.MainFiles), "Initial commit", cancellationToken);
        }

        var number = checked((int)run);
        var branch = $"farewell-{number.ToString(CultureInfo.InvariantCulture)}";
        var head = await repository.CommitFilesAsync(branch, Nullable(seed.PullRequestFiles), DemoProjectFiles.PullRequestTitle, cancellationToken);
        var pullRequest = repository.AddPullRequest(branch, DemoProjectFiles.PullRequestTitle, body: "Says goodbye, with a test.", headSha: head, number: number);
        var startedAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var workflowRun = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            Name = DemoProjectFiles.WorkflowName,
            HeadSha = head,
            HeadBranch = branch,
            Jobs =
            [
                new JobSeed
                {
                    Name = DemoProjectFiles.FormatJob,
                    Conclusion = "failure",
                    Log = ActionsJobLog.Format(seed, repository.FullName, startedAt),
                    Steps = DemoProjectFiles.FormatJobSteps,
                    FailedStep = $"Run {DemoProjectFiles.FormatCommand}",
                },
                new JobSeed { Name = DemoProjectFiles.TestJob, Conclusion = "success", Steps = DemoProjectFiles.TestJobSteps },
            ],
        });
        return new DemoPullRequest(repository, pullRequest, workflowRun.Jobs.Single(j => j.Name == DemoProjectFiles.FormatJob));
    }

    /// <summary>The app's key: configured, or the state folder's (made on the first run, readable by its owner only).</summary>
    private async Task<string> PrivateKeyAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(_settings.PrivateKey))
        {
            return _settings.PrivateKey;
        }

        var path = _settings.ResolvedPrivateKeyPath;
        if (!File.Exists(path))
        {
            using var rsa = RSA.Create(2048);
            var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
            var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temporary, file))
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(rsa.ExportRSAPrivateKeyPem()), cancellationToken);
            }

            File.Move(temporary, path, overwrite: false);
        }

        return await File.ReadAllTextAsync(path, cancellationToken);
    }

    /// <summary>This start's number (1, 2, …), kept in the state folder: it numbers the pull request and moves the stand-in's ids on.</summary>
    private long NextRun()
    {
        var path = Path.Combine(_settings.StateDirectory, "runs");
        var run = (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) ? last : 0) + 1;
        File.WriteAllText(path, run.ToString(CultureInfo.InvariantCulture));
        return run;
    }

    private string Describe()
    {
        if (_demo is not { } demo)
        {
            return "Agentic demo GitHub: seeding the demo repository…\n";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Agentic demo GitHub at {_gitHub!.BaseUri}\n");
        text.Append(CultureInfo.InvariantCulture, $"{demo.Repository.FullName} pull request #{demo.PullRequest.Number} \"{demo.PullRequest.Title}\" ({demo.PullRequest.HeadRef})\n");
        text.Append(CultureInfo.InvariantCulture, $"  failed check: {demo.Job.Name} on {demo.PullRequest.HeadSha}; {_delivery}\n");
        text.Append(CultureInfo.InvariantCulture, $"  branch head now: {demo.Repository.ReadRef(demo.PullRequest.HeadRef)}\n");
        text.Append(CultureInfo.InvariantCulture, $"  clone: git clone -b {demo.PullRequest.HeadRef} {demo.Repository.CloneUrl}\n");
        foreach (var check in demo.Repository.CheckRuns.Where(c => c.AppId != GitHubStandIn.ActionsAppId))
        {
            text.Append(CultureInfo.InvariantCulture, $"  check run '{check.Name}': {check.Status} {check.Conclusion} {check.OutputTitle}\n");
        }

        foreach (var comment in demo.Repository.IssueComments.Where(c => c.IssueNumber == demo.PullRequest.Number))
        {
            text.Append(CultureInfo.InvariantCulture, $"  comment by {comment.User}:\n    {comment.Body.ReplaceLineEndings("\n    ")}\n");
        }

        return text.ToString();
    }

    private static async Task<bool> MatchesAsync(StandInRepository repository, string commit, DemoSeed seed, CancellationToken cancellationToken)
    {
        var lockfile = await repository.ReadFileAsync(commit, "package-lock.json", cancellationToken);
        return lockfile is not null && Encoding.UTF8.GetString(lockfile) == seed.MainFiles["package-lock.json"];
    }

    private static Dictionary<string, string?> Nullable(IReadOnlyDictionary<string, string> files) =>
        files.ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.Ordinal);

    private sealed record DemoPullRequest(StandInRepository Repository, StandInPullRequest PullRequest, StandInJob Job);
}
