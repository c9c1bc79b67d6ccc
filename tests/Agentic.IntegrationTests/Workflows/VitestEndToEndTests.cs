using System.Text;
using System.Text.Json.Nodes;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.Notifier.Delivery;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A vitest failure end to end, every service a real process: a repository that declares vitest (52 packages from the
/// real npm registry, locked), a pull request that breaks <c>add</c>, and the Actions log of the real <c>npm test</c>. The
/// Executor installs with the real <c>npm ci</c> through the egress proxy, reproduces the failed step at the head, applies
/// the scripted model's diff, runs vitest again offline and pushes; the pushed branch is installed and tested again on
/// the host.
/// </summary>
[NonParallelizable]
public sealed class VitestEndToEndTests
{
    private const string Workflow = """
        name: CI
        on: pull_request
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: npm ci
              - run: npm test
        """;

    private const string PackageJson = "{\n  \"name\": \"vt\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"scripts\": {\n    \"test\": \"vitest run\"\n  },\n  \"devDependencies\": {\n    \"vitest\": \"3.2.4\"\n  }\n}\n";

    private const string Test = "import { expect, test } from 'vitest';\nimport { add } from '../src/math.js';\n\ntest('adds', () => {\n  expect(add(1, 1)).toBe(2);\n});\n";

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
    public async Task Should_push_the_models_diff_when_a_vitest_test_fails_after_a_real_npm_ci()
    {
        var app = _gitHub.AddApp("agentic");
        var installation = _gitHub.AddInstallation(app, "octo");
        var lockfile = await HostNpm.RunAsync(new Dictionary<string, string?> { ["package.json"] = PackageJson }, ["install", "--package-lock-only"], "package-lock.json");
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = Workflow,
            ["package.json"] = PackageJson,
            ["package-lock.json"] = lockfile,
            ["src/math.js"] = "export const add = (a, b) => a + b;\n",
            ["test/math.test.js"] = Test,
        };
        var broken = "export const add = (a, b) => a - b;\n";
        var output = await HostNpm.RunAsync(new Dictionary<string, string?>(files) { ["src/math.js"] = broken },
            ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, expectFailure: true, then: ["test"]);
        var log = ActionsLog("npm test", output[output.IndexOf("> vt@1.0.0 test", StringComparison.Ordinal)..]);
        var repository = await _gitHub.CreateRepositoryAsync("octo", "vt", files: files);
        var head = await repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["src/math.js"] = broken }, "Change add", CancellationToken.None);
        var pullRequest = repository.AddPullRequest("feature", "Change add", headSha: head);
        var run = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = head,
            HeadBranch = "feature",
            Jobs = [new JobSeed { Name = "test", Conclusion = "failure", Log = log, Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Run npm test", "Complete job"], FailedStep = "Run npm test" }],
        });
        _llm.Enqueue(new JsonObject { ["root_cause"] = "add subtracts its arguments", ["strategy"] = "llm_edit", ["confidence"] = 0.8, ["files"] = new JsonArray("src/math.js") }.ToJsonString());
        _llm.Enqueue("diff --git a/src/math.js b/src/math.js\n--- a/src/math.js\n+++ b/src/math.js\n@@ -1 +1 @@\n-export const add = (a, b) => a - b;\n+export const add = (a, b) => a + b;\n");
        _system = await RunningSystem.StartAsync(await TestEnvironment.CreateMigratedDatabaseAsync("vitest_fix"), _gitHub, app, new Dictionary<string, string?>
        {
            ["Llm__Provider"] = "openai",
            ["Llm__Endpoint"] = _llm.BaseUri.ToString(),
            ["Llm__ApiKey"] = "sk-end-to-end",
            ["Llm__Model"] = "gpt-standin",
        });

        await _system.DeliverFailedCheckAsync(repository, installation.Id, pullRequest, run.Jobs.Single());

        var workflow = await _system.WaitForFinishedAsync(repository, TimeSpan.FromMinutes(6));
        var pushed = repository.ReadRef("refs/heads/feature");
        var pushedFiles = new Dictionary<string, string?>();
        foreach (var file in new[] { "package.json", "package-lock.json", "src/math.js", "test/math.test.js" })
        {
            pushedFiles[file] = Encoding.UTF8.GetString((await repository.ReadFileAsync(pushed!, file, CancellationToken.None))!);
        }

        var comment = repository.IssueComments.SingleOrDefault(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow.Id), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(log, Does.Contain("FAIL").And.Contain("test/math.test.js"), "the log is the real vitest's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(pushedFiles["src/math.js"], Is.EqualTo("export const add = (a, b) => a + b;\n"));
            Assert.That(_llm.Requests.Count(r => r.Messages.Count > 0 && r.Messages[0].Contains("You fix failed CI checks", StringComparison.Ordinal)), Is.EqualTo(1), "the first diff validated");
            Assert.That(comment?.Body, Does.Contain("fix pushed"));
        });
        var judged = await HostNpm.RunAsync(pushedFiles, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, then: ["test"]);
        Assert.That(judged, Does.Contain("1 passed"));
    }

    private static string ActionsLog(string command, string output)
    {
        var lines = new List<string> { $"##[group]Run {command}", command, "shell: /usr/bin/bash -e {0}", "##[endgroup]" };
        lines.AddRange(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        lines.Add("##[error]Process completed with exit code 1.");
        return string.Join('\n', lines.Select((line, i) => $"2026-12-07T10:00:{i % 60:00}.0000000Z {line}")) + "\n";
    }
}
