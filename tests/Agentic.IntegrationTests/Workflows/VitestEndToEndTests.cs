using System.Text.Json.Nodes;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A vitest failure end to end, every service a real process: a repository that declares vitest (52 packages from the
/// real npm registry, locked), a pull request that breaks <c>add</c>, and the Actions log of the real <c>npm test</c>. The
/// Executor installs with the real <c>npm ci</c> through the egress proxy, reproduces the failed step at the head, applies
/// the scripted model's diff, runs vitest again offline and pushes; the pushed branch is installed and tested again on
/// the host.
/// </summary>
public sealed class VitestEndToEndTests : RealRepositoryTest
{
    private const string PackageJson = "{\n  \"name\": \"vt\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"scripts\": {\n    \"test\": \"vitest run\"\n  },\n  \"devDependencies\": {\n    \"vitest\": \"3.2.4\"\n  }\n}\n";

    private const string Test = "import { expect, test } from 'vitest';\nimport { add } from '../src/math.js';\n\ntest('adds', () => {\n  expect(add(1, 1)).toBe(2);\n});\n";

    [Test]
    public async Task Should_push_the_models_diff_when_a_vitest_test_fails_after_a_real_npm_ci()
    {
        var lockfile = await HostNpm.LockfileAsync(PackageJson);
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = NpmTestWorkflow,
            ["package.json"] = PackageJson,
            ["package-lock.json"] = lockfile,
            ["src/math.js"] = "export const add = (a, b) => a + b;\n",
            ["test/math.test.js"] = Test,
        };
        var broken = "export const add = (a, b) => a - b;\n";
        var output = await HostNpm.RunAsync(new Dictionary<string, string?>(files) { ["src/math.js"] = broken },
            ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, expectFailure: true, then: ["test"]);
        var log = ActionsLog("npm test", output[output.IndexOf("> vt@1.0.0 test", StringComparison.Ordinal)..]);
        var check = await AddFailedCheckAsync("vt", files, new Dictionary<string, string?> { ["src/math.js"] = broken }, "Change add",
            new JobSeed { Name = "test", Conclusion = "failure", Log = log, Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Run npm test", "Complete job"], FailedStep = "Run npm test" });
        Llm.Enqueue(new JsonObject { ["root_cause"] = "add subtracts its arguments", ["strategy"] = "llm_edit", ["confidence"] = 0.8, ["files"] = new JsonArray("src/math.js") }.ToJsonString());
        Llm.Enqueue("diff --git a/src/math.js b/src/math.js\n--- a/src/math.js\n+++ b/src/math.js\n@@ -1 +1 @@\n-export const add = (a, b) => a - b;\n+export const add = (a, b) => a + b;\n");

        var workflow = await RunToEndAsync(check, "vitest_fix", TimeSpan.FromMinutes(6));
        var pushedFiles = await ReadPushedAsync(check.Repository, "package.json", "package-lock.json", "src/math.js", "test/math.test.js");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("FAIL").And.Contain("test/math.test.js"), "the log is the real vitest's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(pushedFiles["src/math.js"], Is.EqualTo("export const add = (a, b) => a + b;\n"));
            Assert.That(EditRequests, Is.EqualTo(1), "the first diff validated");
            Assert.That(Report(check.Repository, workflow), Does.Contain("fix pushed"));
        });
        var judged = await HostNpm.RunAsync(pushedFiles, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, then: ["test"]);
        Assert.That(judged, Does.Contain("1 passed"));
    }
}
