using System.Globalization;
using System.Net;
using System.Text;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.Notifier.Delivery;
using Agentic.ResultProcessor.Publishing;
using Agentic.ServiceDefaults;
using Agentic.StandIns.GitHub;
using Dapper;
using Npgsql;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// The fix workflow end to end, every service a real process: a failed formatting check on a pull request (a real
/// small C# repository behind the GitHub stand-in) arrives as a signed webhook, is analysed from its Actions log,
/// fixed by `dotnet format` in the bubblewrap sandbox, validated with `dotnet build`, pushed to the PR branch with the
/// installation's token, and reported on the PR. No LLM is configured: none is needed.
/// </summary>
[NonParallelizable]
public sealed class FixWorkflowEndToEndTests
{
    private const string WebhookSecret = "end-to-end-webhook-secret";

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
          </PropertyGroup>
        </Project>

        """;

    private const string BadlyFormatted = "namespace Tiny;\n\npublic static class Greeter\n{\n        public static string Hello(  string name  )   =>    \"Hello \" + name;\n   }\n";

    private const string FormatLog = """
        2026-11-21T10:00:01.0000000Z ##[group]Run dotnet format --verify-no-changes
        2026-11-21T10:00:09.1000000Z /home/runner/work/tiny/tiny/Greeter.cs(5,1): error WHITESPACE: Fix whitespace formatting. Replace 8 characters with '\s\s\s\s'. [/home/runner/work/tiny/tiny/Tiny.csproj]
        2026-11-21T10:00:09.1000000Z /home/runner/work/tiny/tiny/Greeter.cs(6,1): error WHITESPACE: Fix whitespace formatting. Delete 3 characters. [/home/runner/work/tiny/tiny/Tiny.csproj]
        2026-11-21T10:00:09.2000000Z ##[error]Process completed with exit code 2.
        """;

    private readonly List<ServiceProcess> _services = [];
    private GitHubStandIn _gitHub = null!;
    private StandInApp _app = null!;
    private long _installationId;
    private string _database = null!;
    private string _workspaces = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        _database = await TestEnvironment.CreateMigratedDatabaseAsync("end_to_end");
        _workspaces = Path.Combine(TestEnvironment.Root, $"workspaces-{Guid.NewGuid():N}");
        _app = _gitHub.AddApp("agentic");
        _installationId = _gitHub.AddInstallation(_app, "octo").Id;
        await StartServicesAsync(_app);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }

        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_fix_validate_push_and_report_a_formatting_failure_without_an_llm()
    {
        var (repository, head) = await FailingFormatCheckAsync("tiny", extraFiles: null);

        var workflow = await WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));
        var pushed = repository.ReadRef("refs/heads/feature");
        var commit = await repository.GetCommitAsync(pushed!, CancellationToken.None);
        var greeter = Encoding.UTF8.GetString((await repository.ReadFileAsync(pushed!, "Greeter.cs", CancellationToken.None))!);
        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        var checkRun = repository.CheckRuns.SingleOrDefault(c => c.Name == GitHubReportDelivery.CheckRunName);
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(commit.Parents, Is.EqualTo(new[] { head }), "one commit on top of the validated head");
            Assert.That(commit.Message, Does.Contain(FixPublisher.Trailer));
            Assert.That(greeter, Does.Contain("\n    public static string Hello(string name) => \"Hello \" + name;\n}"));
            Assert.That(comment?.Body, Does.Contain("fix pushed"));
            Assert.That(checkRun?.Conclusion, Is.EqualTo("success"));
        });
    }

    [Test]
    public async Task Should_report_the_exact_problem_and_change_nothing_when_the_repository_config_is_invalid()
    {
        var (repository, head) = await FailingFormatCheckAsync("configured", new Dictionary<string, string?>
        {
            [".github/agentic.yml"] = "auto_fix: true\nmax_attempts: 99\npushes: direct\n",
        });

        var workflow = await WaitForFinishedAsync(repository, TimeSpan.FromMinutes(3));

        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"));
            Assert.That(comment?.Body, Does.Contain(".github/agentic.yml line 2: 'max_attempts' must be a whole number from 1 to 10"));
            Assert.That(comment?.Body, Does.Contain("line 3: unknown key 'pushes'"));
            Assert.That(repository.ReadRef("refs/heads/feature"), Is.EqualTo(head), "nothing was pushed");
        });
    }

    /// <summary>A repository whose PR head has a badly formatted file and a failed Actions "format" job, announced by a signed webhook.</summary>
    private async Task<(StandInRepository Repository, string Head)> FailingFormatCheckAsync(string name, IReadOnlyDictionary<string, string?>? extraFiles)
    {
        var files = new Dictionary<string, string?>
        {
            ["Tiny.csproj"] = Project,
            [".gitignore"] = "bin/\nobj/\n",
            ["Greeter.cs"] = "namespace Tiny;\n\npublic static class Greeter\n{\n}\n",
        };
        foreach (var (path, content) in extraFiles ?? new Dictionary<string, string?>())
        {
            files[path] = content;
        }

        var repository = await _gitHub.CreateRepositoryAsync("octo", name, files: files);
        var head = await repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["Greeter.cs"] = BadlyFormatted }, "Add a greeting", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Add a greeting", headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = head,
            HeadBranch = "feature",
            Jobs = [new JobSeed { Name = "format", Conclusion = "failure", Log = FormatLog, FailedStep = "Build" }],
        });

        using var http = new HttpClient();
        using var response = await StandInWebhooks.DeliverAsync(http, new Uri(_services[^1].Url, "/webhooks/github"), "check_run",
            StandInWebhooks.CheckRunCompleted(repository, _installationId, pullRequest, run.Jobs.Single()), WebhookSecret);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return (repository, head);
    }

    private async Task StartServicesAsync(StandInApp app)
    {
        var gitHub = new Dictionary<string, string?>
        {
            ["GitHub__Api__BaseUrl"] = _gitHub.BaseUri.ToString(),
            ["GitHub__Api__App__AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub__Api__App__PrivateKey"] = app.PrivateKeyPem,
            ["GitHub__Api__RateLimit__MinimumWriteInterval"] = "00:00:00",
            ["Executor__WorkspaceRoot"] = _workspaces,
            ["GitHub__Webhooks__Secrets__0"] = WebhookSecret,
        };
        var started = await Task.WhenAll(
            ServiceProcess.StartAsync(ResourceNames.PullRequestDiscovery, "PullRequestDiscovery", _database, gitHub),
            ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", _database, gitHub),
            ServiceProcess.StartAsync(ResourceNames.CommandDispatcher, "CommandDispatcher", _database, gitHub),
            ServiceProcess.StartAsync(ResourceNames.Executor, "Executor", _database, gitHub),
            ServiceProcess.StartAsync(ResourceNames.ResultProcessor, "ResultProcessor", _database, gitHub),
            ServiceProcess.StartAsync(ResourceNames.Notifier, "Notifier", _database, gitHub));
        _services.AddRange(started);
        _services.Add(await ServiceProcess.StartAsync(ResourceNames.IngressGateway, "IngressGateway", _database, gitHub));
    }

    private async Task<FinishedWorkflow> WaitForFinishedAsync(StandInRepository repository, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(_database);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var workflow = await connection.QuerySingleOrDefaultAsync<FinishedWorkflow>(
                "SELECT id, outcome, summary FROM workflows WHERE repository_id = @Id AND finished_at IS NOT NULL", new { repository.Id });
            if (workflow is not null)
            {
                // The Notifier posts the final report right after the outcome is recorded.
                await Task.Delay(TimeSpan.FromSeconds(3));
                return workflow;
            }

            await Task.Delay(500);
        }

        var saga = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT s.current_state || ' ' || left(s.data::text, 1500) FROM fix_workflow_sagas s JOIN workflows w ON w.id = s.correlation_id WHERE w.repository_id = @Id", new { repository.Id });
        Assert.Fail($"The workflow did not finish; saga: {saga ?? "none"}\n" + string.Join("\n", _services.Select(s => $"--- {s.Name}\n{s.RecentOutput(25)}")));
        return null!;
    }

    private sealed record FinishedWorkflow(Guid Id, string Outcome, string Summary);
}
