using System.Text;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.Notifier.Delivery;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A prettier failure end to end with zero LLM calls, every service a real process: a JavaScript repository that declares
/// prettier (from the real npm registry, locked), a pull request with a badly formatted file, and the Actions log of the
/// real <c>prettier --check</c> on it. The Executor installs with the real <c>npm ci</c> through the egress proxy,
/// reproduces the check at the head, runs the repository's own prettier on the file the log names, validates with the
/// same step and pushes. A model is configured and must not be asked.
/// </summary>
[NonParallelizable]
public sealed class PrettierEndToEndTests
{
    private const string Workflow = """
        name: CI
        on: pull_request
        jobs:
          lint:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: npm ci
              - name: Check formatting
                run: npx prettier --check src
        """;

    private const string PackageJson = "{\n  \"name\": \"pretty\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"devDependencies\": {\n    \"prettier\": \"3.10.2\"\n  }\n}\n";

    private const string Formatted = "export function greet(name) {\n  return `Hello ${name}`;\n}\n";

    private const string Unformatted = "export function greet( name ){\nreturn `Hello ${name}`\n}\n";

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
    public async Task Should_fix_a_prettier_failure_with_the_repositorys_prettier_and_no_llm_call_after_a_real_npm_ci()
    {
        var app = _gitHub.AddApp("agentic");
        var installation = _gitHub.AddInstallation(app, "octo");
        var lockfile = await HostNpm.RunAsync(new Dictionary<string, string?> { ["package.json"] = PackageJson }, ["install", "--package-lock-only"], "package-lock.json");
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = Workflow,
            ["package.json"] = PackageJson,
            ["package-lock.json"] = lockfile,
            ["src/greet.js"] = Formatted,
        };
        var checkOutput = await HostNpm.RunAsync(new Dictionary<string, string?>(files) { ["src/greet.js"] = Unformatted },
            ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, expectFailure: true, then: ["exec", "--", "prettier", "--check", "src"]);
        var log = ActionsLog("npx prettier --check src", checkOutput[checkOutput.IndexOf("Checking formatting", StringComparison.Ordinal)..]);
        var repository = await _gitHub.CreateRepositoryAsync("octo", "pretty", files: files);
        var head = await repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["src/greet.js"] = Unformatted }, "Add a greeting", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Add a greeting", headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = head,
            HeadBranch = "feature",
            Jobs = [new JobSeed
            {
                Name = "lint",
                Conclusion = "failure",
                Log = log,
                Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Check formatting", "Complete job"],
                FailedStep = "Check formatting",
            }],
        });
        _system = await RunningSystem.StartAsync(await TestEnvironment.CreateMigratedDatabaseAsync("prettier_fix"), _gitHub, app, new Dictionary<string, string?>
        {
            ["Llm__Provider"] = "openai",
            ["Llm__Endpoint"] = _llm.BaseUri.ToString(),
            ["Llm__ApiKey"] = "sk-end-to-end",
            ["Llm__Model"] = "gpt-standin",
        });

        await _system.DeliverFailedCheckAsync(repository, installation.Id, pullRequest, run.Jobs.Single());

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(6));
        var pushed = repository.ReadRef("refs/heads/feature");
        var greet = Encoding.UTF8.GetString((await repository.ReadFileAsync(pushed!, "src/greet.js", CancellationToken.None))!);
        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("[warn] src/greet.js"), "the log is the real prettier's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(greet, Is.EqualTo(Formatted));
            Assert.That(_llm.Requests, Is.Empty, "no LLM call: neither the analysis nor the fix needed one");
            Assert.That(comment?.Body, Does.Contain("fix pushed"));
        });
    }

    private static string ActionsLog(string command, string output)
    {
        var lines = new List<string> { $"##[group]Run {command}", command, "shell: /usr/bin/bash -e {0}", "##[endgroup]" };
        lines.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        lines.Add("##[error]Process completed with exit code 1.");
        return string.Join('\n', lines.Select((line, i) => $"2026-12-07T10:00:{i % 60:00}.0000000Z {line}")) + "\n";
    }
}
