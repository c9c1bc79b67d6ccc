using System.Text;
using Agentic.Notifier.Delivery;
using Agentic.ResultProcessor.Publishing;
using Agentic.ServiceDefaults;
using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Otlp;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// The fix workflow end to end, every service a real process: a failed formatting check on a pull request (a real
/// small C# repository behind the GitHub stand-in) arrives as a signed webhook, is analysed from its Actions log,
/// fixed by `dotnet format` in the bubblewrap sandbox, validated with `dotnet build`, pushed to the PR branch with the
/// installation's token, and reported on the PR. No LLM is configured: none is needed. Every service exports its
/// telemetry over OTLP/HTTP to a receiver the test runs, as it would to the Aspire dashboard.
/// </summary>
[NonParallelizable]
public sealed class FixWorkflowEndToEndTests
{
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
        2026-11-21T10:00:01.0000000Z dotnet format --verify-no-changes
        2026-11-21T10:00:01.0000000Z shell: /usr/bin/bash -e {0}
        2026-11-21T10:00:01.0000000Z ##[endgroup]
        2026-11-21T10:00:09.1000000Z /home/runner/work/tiny/tiny/Greeter.cs(5,1): error WHITESPACE: Fix whitespace formatting. Replace 8 characters with '\s\s\s\s'. [/home/runner/work/tiny/tiny/Tiny.csproj]
        2026-11-21T10:00:09.1000000Z /home/runner/work/tiny/tiny/Greeter.cs(6,1): error WHITESPACE: Fix whitespace formatting. Delete 3 characters. [/home/runner/work/tiny/tiny/Tiny.csproj]
        2026-11-21T10:00:09.2000000Z ##[error]Process completed with exit code 2.
        """;

    private GitHubStandIn _gitHub = null!;
    private OtlpReceiver _telemetry = null!;
    private RunningSystem _system = null!;
    private long _installationId;

    [OneTimeSetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        var app = _gitHub.AddApp("agentic");
        _installationId = _gitHub.AddInstallation(app, "octo").Id;
        _telemetry = new OtlpReceiver();
        var otlp = await _telemetry.StartAsync();
        _system = await RunningSystem.StartAsync(await TestEnvironment.CreateMigratedDatabaseAsync("end_to_end"), _gitHub, app, new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _system.DisposeAsync();
        await _telemetry.DisposeAsync();
        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_fix_validate_push_and_report_a_formatting_failure_without_an_llm()
    {
        var (repository, head) = await FailingFormatCheckAsync("tiny", extraFiles: null);

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));
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

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(3));

        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"));
            Assert.That(comment?.Body, Does.Contain(".github/agentic.yml line 2: 'max_attempts' must be a whole number from 1 to 10"));
            Assert.That(comment?.Body, Does.Contain("line 3: unknown key 'pushes'"));
            Assert.That(repository.ReadRef("refs/heads/feature"), Is.EqualTo(head), "nothing was pushed");
        });
    }

    [Test]
    public async Task Should_trace_a_failed_check_through_every_service_as_one_trace()
    {
        var (repository, _) = await FailingFormatCheckAsync("traced", extraFiles: null);
        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));
        Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);

        // The workflow's trace is the one its saga started in; every step of it must be there, from the webhook on.
        var correlationId = workflow.Id.ToString("D");
        string? traceId = null;
        var steps = new (string Service, string Step)[]
        {
            (ResourceNames.IngressGateway, "POST /webhooks/github"),
            (ResourceNames.PullRequestDiscovery, "CheckRunCompleted"),
            (ResourceNames.ResultProcessor, "CheckFailureDetected"),
            (ResourceNames.CheckAnalyzer, "AnalyzeCheckFailure"),
            (ResourceNames.CommandDispatcher, "DispatchCommand"),
            (ResourceNames.Executor, "ExecuteCommand"),
            (ResourceNames.ResultProcessor, "PublishFixResult"),
            (ResourceNames.Notifier, "PostWorkflowReport"),
        };
        string[] missing = [];
        var complete = await Polling.UntilAsync(() =>
        {
            var spans = _telemetry.Spans;
            traceId ??= spans.FirstOrDefault(s => s.ServiceName == ResourceNames.ResultProcessor && IsConsumed(s, "CheckFailureDetected")
                && s.Attribute("messaging.masstransit.correlation_id") == correlationId)?.TraceId;
            var trace = spans.Where(s => s.TraceId == traceId).ToList();
            missing = steps.Where(step => !trace.Any(s => s.ServiceName == step.Service && (step.Step.StartsWith("POST ", StringComparison.Ordinal)
                    ? s.Kind == OtlpSpan.ServerKind && s.Attribute("url.path") == step.Step[5..]
                    : IsConsumed(s, step.Step))))
                .Select(step => $"{step.Service}: {step.Step}").ToArray();
            return traceId is not null && missing.Length == 0;
        }, TimeSpan.FromSeconds(30));

        var all = _telemetry.Spans;
        var workflowTraces = all.Where(s => s.Attribute("messaging.masstransit.correlation_id") == correlationId).Select(s => s.TraceId).Distinct().ToList();
        var services = all.Where(s => s.TraceId == traceId).Select(s => s.ServiceName).Distinct().Order().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(complete, Is.True,
                $"trace {traceId ?? "(none: no span of the saga's CheckFailureDetected)"} lacks {string.Join(", ", missing)}; it has spans of {string.Join(", ", services)}; "
                + $"the workflow's messages are in {workflowTraces.Count} trace(s)");
            Assert.That(workflowTraces, Is.EqualTo(new[] { traceId }), "every message of the workflow is in its one trace");
            Assert.That(all.Where(s => s.TraceId == traceId && s.ParentSpanId is null).Select(s => $"{s.ServiceName}: {s.Attribute("url.path")}"),
                Is.EqualTo(new[] { $"{ResourceNames.IngressGateway}: /webhooks/github" }), "the trace starts at the webhook's request");
            Assert.That(_telemetry.Logs.Any(l => l.ServiceName == ResourceNames.Executor && l.TraceId == traceId), Is.True, "the logs carry the trace too");
            Assert.That(_telemetry.Problems, Is.Empty);
        });
    }

    private static bool IsConsumed(OtlpSpan span, string messageType) =>
        span.Kind == OtlpSpan.ConsumerKind && span.Attribute("messaging.operation") == "process"
        && span.Attribute("messaging.masstransit.message_types")?.Contains($":{messageType}", StringComparison.Ordinal) == true;

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

        await _system.DeliverFailedCheckAsync(repository, _installationId, pullRequest, run.Jobs.Single());
        return (repository, head);
    }
}
