using System.Text;
using System.Text.Json.Nodes;
using Agentic.Notifier.Delivery;
using Agentic.ResultProcessor.Publishing;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// The LLM edit loop end to end, every service a real process: a failing unit test on a pull request (a real small C#
/// repository behind the GitHub stand-in) is analysed from its Actions log, the OpenAI-compatible stand-in proposes a
/// unified diff through the Command Dispatcher, the Executor applies it in the bubblewrap sandbox and runs the
/// repository's own build and test, and the fix is pushed, or after the attempt cap the workflow escalates.
/// One LLM is configured for every service with the shared <c>Llm__*</c> keys, so the Check Analyzer asks the same
/// stand-in for its verdict first: the first scripted reply is the analyzer's, the following ones are the diffs.
/// The repository's "test" is a console program declared in <c>.github/agentic.yml</c> (<c>dotnet run</c>), so the
/// sandbox needs no NuGet package.
/// </summary>
[NonParallelizable]
public sealed class LlmEditWorkflowEndToEndTests
{
    private const string CheckName = "test";
    private const string RootCause = "Calculator.Add subtracts its arguments instead of adding them.";

    private const string Project = """
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <UseAppHost>false</UseAppHost>
          </PropertyGroup>
        </Project>

        """;

    private const string Checks = """
        using Checks;

        var failures = 0;
        Check("Add_returns_the_sum", Calculator.Add(2, 3), 5);
        Check("Multiply_returns_the_product", Calculator.Multiply(2, 3), 6);
        Console.WriteLine(failures == 0 ? "Passed!  - Failed:     0, Passed:     2, Total:     2" : $"Failed!  - Failed:     {failures}, Passed:     {2 - failures}, Total:     2");
        return failures == 0 ? 0 : 1;

        void Check(string name, int actual, int expected)
        {
            if (actual != expected)
            {
                failures++;
                Console.WriteLine($"  Failed {name}\n  Error Message:\n   Expected: {expected}\n   But was:  {actual}");
            }
        }

        """;

    private const string TestLog = """
        2026-11-21T10:00:01.0000000Z ##[group]Run dotnet run --project Checks
        2026-11-21T10:00:08.1000000Z   Failed Add_returns_the_sum [3 ms]
        2026-11-21T10:00:08.1000000Z   Error Message:
        2026-11-21T10:00:08.1000000Z    Expected: 5
        2026-11-21T10:00:08.1000000Z    But was:  -1
        2026-11-21T10:00:08.2000000Z Failed!  - Failed:     1, Passed:     1, Skipped:     0, Total:     2, Duration: 12 ms - Checks.dll (net10.0)
        2026-11-21T10:00:08.3000000Z ##[error]Process completed with exit code 1.
        """;

    private GitHubStandIn _gitHub = null!;
    private OpenAiStandIn _llm = null!;
    private RunningSystem? _system;

    [SetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        _llm = new OpenAiStandIn { ApiKey = "sk-end-to-end" };
        await _llm.StartAsync();
    }

    [TearDown]
    public async Task Stop()
    {
        if (_system is not null)
        {
            await _system.DisposeAsync();
        }

        await _llm.DisposeAsync();
        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_apply_validate_and_push_the_models_diff_when_a_unit_test_fails()
    {
        var (repository, installation, pullRequest, head, job, app) = await ArrangeAsync();
        _llm.Enqueue(Verdict());
        _llm.Enqueue("```diff\n" + AddDiff("a + b") + "```\n");
        _system = await StartAsync(app);

        await _system.DeliverFailedCheckAsync(repository, installation.Id, pullRequest, job);

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(5));
        var pushed = repository.ReadRef("refs/heads/feature");
        var commit = await repository.GetCommitAsync(pushed!, CancellationToken.None);
        var calculator = Encoding.UTF8.GetString((await repository.ReadFileAsync(pushed!, "Checks/Calculator.cs", CancellationToken.None))!);
        var edits = EditRequests();
        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(commit.Parents, Is.EqualTo(new[] { head }), "one commit on top of the validated head");
            Assert.That(commit.Message, Does.Contain(FixPublisher.Trailer));
            Assert.That(calculator, Does.Contain("public static int Add(int a, int b) => a + b;"));
            Assert.That(edits, Has.Count.EqualTo(1), "one edit request");
            Assert.That(edits[0].Messages[^1], Does.Contain(RootCause).And.Match("<untrusted-file-path-[0-9a-f]{32}>\nChecks/Calculator.cs\n").And.Contain("a - b"), "the prompt shows the diagnosis and the file");
            Assert.That(edits[0].Authorization, Is.EqualTo("Bearer sk-end-to-end"));
            Assert.That(comment?.Body, Does.Contain("fix pushed"));
        });
    }

    [Test]
    public async Task Should_retry_up_to_the_cap_and_escalate_with_the_diagnosis_when_every_diff_fails_validation()
    {
        var (repository, installation, pullRequest, head, job, app) = await ArrangeAsync();
        _llm.Enqueue(Verdict());
        _llm.Enqueue(AddDiff("b - a"));
        _llm.Enqueue(AddDiff("b - a"));
        _system = await StartAsync(app);

        await _system.DeliverFailedCheckAsync(repository, installation.Id, pullRequest, job);

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(6));
        var edits = EditRequests();
        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"), workflow.Summary);
            Assert.That(workflow.Summary, Does.Contain("after 2 attempt(s)"));
            Assert.That(repository.ReadRef("refs/heads/feature"), Is.EqualTo(head), "nothing pushed");
            Assert.That(edits, Has.Count.EqualTo(2), "one edit request per attempt, up to the cap");
            Assert.That(edits[0].Messages[^1], Does.Not.Contain("previous attempt"));
            Assert.That(edits[^1].Messages[^1], Does.Contain("attempt 2").And.Contain("test failed").And.Contain("But was:  1"), "the second prompt carries the first failure");
            Assert.That(comment?.Body, Does.Contain("needs a human").And.Contain(RootCause));
        });
    }

    private static string Verdict() =>
        new JsonObject
        {
            ["root_cause"] = RootCause,
            ["strategy"] = "llm_edit",
            ["confidence"] = 0.8,
            ["files"] = new JsonArray("Checks/Calculator.cs"),
        }.ToJsonString();

    private static string Calculator(string add) =>
        $"namespace Checks;\n\npublic static class Calculator\n{{\n    public static int Add(int a, int b) => {add};\n\n    public static int Multiply(int a, int b) => a * b;\n}}\n";

    /// <summary>A git-format diff of Checks/Calculator.cs from the PR's <c>a - b</c> to <paramref name="add"/>.</summary>
    private static string AddDiff(string add) => string.Join('\n',
        "diff --git a/Checks/Calculator.cs b/Checks/Calculator.cs",
        "--- a/Checks/Calculator.cs",
        "+++ b/Checks/Calculator.cs",
        "@@ -2,7 +2,7 @@",
        " ",
        " public static class Calculator",
        " {",
        "-    public static int Add(int a, int b) => a - b;",
        $"+    public static int Add(int a, int b) => {add};",
        " ",
        "     public static int Multiply(int a, int b) => a * b;",
        " }",
        "");

    private List<OpenAiStandInRequest> EditRequests() =>
        [.. _llm.Requests.Where(r => r.Messages.Count > 0 && r.Messages[0].Contains("You fix failed CI checks", StringComparison.Ordinal))];

    private async Task<(StandInRepository Repository, StandInInstallation Installation, StandInPullRequest PullRequest, string Head, StandInJob Job, StandInApp App)> ArrangeAsync()
    {
        var app = _gitHub.AddApp("agentic");
        var installation = _gitHub.AddInstallation(app, "octo");
        var repository = await _gitHub.CreateRepositoryAsync("octo", "calc", files: new Dictionary<string, string?>
        {
            [".gitignore"] = "bin/\nobj/\n",
            [".github/agentic.yml"] = "test: [dotnet, run, --no-build, --project, Checks]\n",
            ["Checks/Checks.csproj"] = Project,
            ["Checks/Program.cs"] = Checks,
            ["Checks/Calculator.cs"] = Calculator("a + b"),
        });
        var head = await repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["Checks/Calculator.cs"] = Calculator("a - b") }, "Refactor the calculator", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Refactor the calculator", headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = head,
            HeadBranch = "feature",
            Jobs = [new JobSeed { Name = CheckName, Conclusion = "failure", Log = TestLog, FailedStep = "Test" }],
        });
        return (repository, installation, pullRequest, head, run.Jobs.Single(), app);
    }

    private async Task<RunningSystem> StartAsync(StandInApp app) =>
        await RunningSystem.StartAsync(await TestEnvironment.CreateMigratedDatabaseAsync("llm_edit"), _gitHub, app, new Dictionary<string, string?>
        {
            ["FixWorkflow__MaxAttempts"] = "2",
            ["Llm__Provider"] = "openai",
            ["Llm__Endpoint"] = _llm.BaseUri.ToString(),
            ["Llm__ApiKey"] = "sk-end-to-end",
            ["Llm__Model"] = "gpt-standin",
        });
}
