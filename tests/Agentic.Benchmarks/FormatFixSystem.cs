using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Agentic.ServiceDefaults;
using Agentic.StandIns.GitHub;
using Agentic.Testing;
using Npgsql;

namespace Agentic.Benchmarks;

/// <summary>
/// The whole system for the benchmarks that drive formatting-fix workflows end to end (<c>fixflow</c>, <c>chaos</c>):
/// the GitHub stand-in with one App installed on <c>octo</c>, one repository per workflow whose PR fails
/// <c>dotnet format</c>, and the AppHost (reset state) with every service pointed at the stand-in.
/// </summary>
public sealed class FormatFixSystem : IAsyncDisposable
{
    private const string Project = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup>\n    <TargetFramework>net10.0</TargetFramework>\n  </PropertyGroup>\n</Project>\n";
    private const string BadlyFormatted = "namespace Tiny;\n\npublic static class Greeter\n{\n        public static string Hello(  string name  )   =>    \"Hello \" + name;\n   }\n";

    /// <summary>
    /// The failing job's log: a whole Actions step (header, command, endgroup) that ran the formatter, then its
    /// finding; the Check Analyzer counts a formatter's findings only inside the step that ran it.
    /// </summary>
    private const string FormatLog = "2026-11-21T10:00:01.0000000Z ##[group]Run dotnet format --verify-no-changes\n2026-11-21T10:00:01.0000000Z dotnet format --verify-no-changes\n2026-11-21T10:00:01.0000000Z ##[endgroup]\n2026-11-21T10:00:09.1000000Z /home/runner/work/tiny/tiny/Greeter.cs(5,1): error WHITESPACE: Fix whitespace formatting. Replace 8 characters with '\\s\\s\\s\\s'. [/home/runner/work/tiny/tiny/Tiny.csproj]\n2026-11-21T10:00:09.2000000Z ##[error]Process completed with exit code 2.\n";

    private readonly string _webhookSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    private readonly string _operatorKey = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));
    private readonly HttpClient _http = new();
    private StandInApp _app = null!;
    private StandInInstallation _installation = null!;
    private Uri? _webhooks;
    private HttpClient? _operatorApi;

    private FormatFixSystem()
    {
    }

    public GitHubStandIn GitHub { get; } = new();

    public AppHostProcess AppHost { get; private set; } = null!;

    public static async Task<FormatFixSystem> CreateAsync()
    {
        var system = new FormatFixSystem();
        await system.GitHub.StartAsync();
        system._app = system.GitHub.AddApp("agentic");
        system._installation = system.GitHub.AddInstallation(system._app, "octo");
        return system;
    }

    /// <summary>Repository <c>octo/{name}</c> whose PR from <c>feature</c> fails <c>dotnet format</c> in its job <c>format</c>.</summary>
    public async Task<FormatFailure> AddFormatFailureAsync(string name)
    {
        var repository = await GitHub.CreateRepositoryAsync("octo", name, files: new Dictionary<string, string?>
        {
            ["Tiny.csproj"] = Project,
            [".gitignore"] = "bin/\nobj/\n",
            ["Greeter.cs"] = "namespace Tiny;\n\npublic static class Greeter\n{\n}\n",
        });
        var head = await repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted }, "Add a greeting", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Add a greeting", headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = head, HeadBranch = "feature", Jobs = [new JobSeed { Name = "format", Conclusion = "failure", Log = FormatLog }] });
        return new FormatFailure(repository, pullRequest, run.Jobs.Single(), head);
    }

    /// <summary>Starts the AppHost on a reset <paramref name="state"/> folder and waits until every resource is healthy.</summary>
    public async Task StartAsync(string state, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["GitHub__Api__BaseUrl"] = GitHub.BaseUri.ToString(),
            ["GitHub__Api__App__AppId"] = _app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub__Api__App__PrivateKey"] = _app.PrivateKeyPem,
            ["GitHub__Webhooks__Secrets__0"] = _webhookSecret,
            ["Inbox__OperatorApiKey"] = _operatorKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        AppHost = await AppHostProcess.StartAsync(state, reset: true, output: null, cancellationToken, variables);
        await AppHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), cancellationToken);
        var gateway = AppHost.Gateway;
        _webhooks = new Uri(gateway, "/webhooks/github");
        _operatorApi = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(10) };
        _operatorApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _operatorKey);
    }

    /// <summary>The <c>agentic</c> database as the postgres superuser.</summary>
    public string ConnectionString() =>
        AppHost.FindService(ResourceNames.IngressGateway)?.Environment[$"ConnectionStrings__{ResourceNames.Database}"]
        ?? throw new InvalidOperationException("The gateway is not running.");

    /// <summary>The failed job's <c>check_run completed</c> webhook, signed, as delivery <paramref name="deliveryId"/>.</summary>
    public async Task<System.Net.HttpStatusCode> DeliverCheckRunAsync(FormatFailure failure, string deliveryId, CancellationToken cancellationToken)
    {
        using var response = await StandInWebhooks.DeliverAsync(_http, _webhooks!, "check_run",
            StandInWebhooks.CheckRunCompleted(failure.Repository, _installation.Id, failure.PullRequest, failure.Job), _webhookSecret, deliveryId, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>
    /// Every fix workflow through the operator API (<c>/api/workflows</c>, all pages), or null while the API cannot
    /// answer (a fault may have taken the gateway's database or the Result Processor away).
    /// </summary>
    public async Task<List<WorkflowView>?> TryListWorkflowsAsync(CancellationToken cancellationToken)
    {
        var workflows = new List<WorkflowView>();
        string? before = null;
        try
        {
            do
            {
                var path = "/api/workflows?limit=200" + (before is null ? "" : "&before=" + Uri.EscapeDataString(before));
                using var response = await _operatorApi!.GetAsync(path, cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    return null;
                }

                var page = JsonNode.Parse(await response.Content.ReadAsStringAsync(cancellationToken))!;
                foreach (var item in page["items"]!.AsArray())
                {
                    workflows.Add(new WorkflowView(
                        item!["repository"]!.GetValue<string>(),
                        item["state"]!.GetValue<string>(),
                        item["active"]!.GetValue<bool>(),
                        item["outcome"]?.GetValue<string>(),
                        item["finishedAt"]?.GetValue<DateTimeOffset>()));
                }

                before = page["next"]?.GetValue<string>();
            }
            while (before is not null);
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        return workflows;
    }

    public async ValueTask DisposeAsync()
    {
        if (AppHost is not null)
        {
            await AppHost.TerminateAsync(TimeSpan.FromSeconds(90), CancellationToken.None);
            await AppHost.DisposeAsync();
        }

        _operatorApi?.Dispose();
        _http.Dispose();
        await GitHub.DisposeAsync();
    }
}

/// <summary>One seeded pull request: its repository, the PR, its failed job and the PR's head before any fix.</summary>
public sealed record FormatFailure(StandInRepository Repository, StandInPullRequest PullRequest, StandInJob Job, string Head);

/// <summary>A fix workflow as the operator API lists it.</summary>
public sealed record WorkflowView(string Repository, string State, bool Active, string? Outcome, DateTimeOffset? FinishedAt);
