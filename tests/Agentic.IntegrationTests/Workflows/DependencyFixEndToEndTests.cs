using Agentic.IntegrationTests.Infrastructure;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Registries;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A dependency fix end to end, every service a real process: a pull request pins <c>is-odd@9.9.9</c>, which the npm
/// registry does not have; the Actions log is the real output of <c>npm ci</c> on those files. The Check Analyzer
/// classifies it without an LLM (ETARGET, package is-odd), the Command Dispatcher asks the registries' stand-in (a
/// recorded real packument) which versions exist and shows them with package.json to the scripted model, whose one-line
/// diff picks 3.0.1; the Executor reproduces the failure with the real <c>npm ci</c> through the egress proxy, applies the
/// diff, regenerates the lockfile and installs from the real registry, runs the test, and the fix is pushed. The pushed
/// branch is then installed and tested again on the host, outside the sandbox.
/// </summary>
public sealed class DependencyFixEndToEndTests : RealRepositoryTest
{
    private const string Test = "const isOdd = require('is-odd');\nif (!isOdd(3) || isOdd(4)) { throw new Error('is-odd is wrong'); }\nconsole.log('odd ok');\n";

    /// <summary>The lockfile a hand edit left: the version pinned, nothing resolved, so <c>npm ci</c> asks the registry and answers ETARGET.</summary>
    private const string HandEditedLock = """
        {
          "name": "odd",
          "version": "1.0.0",
          "lockfileVersion": 3,
          "requires": true,
          "packages": {
            "": { "name": "odd", "version": "1.0.0", "dependencies": { "is-odd": "9.9.9" } },
            "node_modules/is-odd": { "version": "9.9.9" }
          }
        }

        """;

    private PackageRegistryStandIn _registry = null!;

    [SetUp]
    public async Task StartRegistry()
    {
        _registry = new PackageRegistryStandIn();
        await _registry.StartAsync();
    }

    [TearDown]
    public async Task StopRegistry() => await _registry.DisposeAsync();

    [Test]
    public async Task Should_push_a_manifest_fix_to_an_existing_version_when_npm_ci_fails_with_etarget()
    {
        var headFiles = new Dictionary<string, string?> { ["package.json"] = PackageJson("9.9.9"), ["package-lock.json"] = HandEditedLock };
        var output = await HostNpm.RunAsync(headFiles, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, expectFailure: true);
        var log = ActionsLog("npm ci", output, line => !line.Contains("A complete log of this run", StringComparison.Ordinal));
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = NpmTestWorkflow,
            ["test.js"] = Test,
            ["package.json"] = PackageJson("3.0.0"),
            ["package-lock.json"] = await HostNpm.LockfileAsync(PackageJson("3.0.0")),
        };
        var check = await AddFailedCheckAsync("odd", files, headFiles, "Bump is-odd", new JobSeed
        {
            Name = "test",
            Conclusion = "failure",
            Log = log,
            Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Run npm test", "Complete job"],
            FailedStep = "Run npm ci",
        });
        Llm.Enqueue("```diff\n" + ManifestDiff("9.9.9", "3.0.1") + "```\n");

        var workflow = await RunToEndAsync(check, "dependency_fix", TimeSpan.FromMinutes(6), new Dictionary<string, string?>
        {
            ["FixWorkflow__MaxAttempts"] = "2",
            ["CommandDispatcher__Registries__Npm"] = _registry.NpmUri.ToString(),
        });
        var edits = EditRequestsMade;
        var pushedFiles = await ReadPushedAsync(check.Repository, "package.json", "package-lock.json", "test.js");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("npm error code ETARGET").And.Contain("No matching version found for is-odd@9.9.9"), "the log is the real npm ci's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(edits, Has.Count.EqualTo(1), "one edit request, and no LLM call for the analysis");
            Assert.That(Llm.Requests, Has.Count.EqualTo(1));
            Assert.That(edits[0].Messages[^1], Does.Contain("npm is-odd: 0.1.0, 0.1.1, 0.1.2, 1.0.0, 2.0.0, 3.0.0, 3.0.1; latest: 3.0.1"), "the prompt shows the versions the registry has");
            Assert.That(edits[0].Messages[^1], Does.Contain("\"is-odd\": \"9.9.9\""), "the prompt shows the manifest");
            Assert.That(_registry.Requests, Is.EqualTo(new[] { "/npm/is-odd" }));
            Assert.That(pushedFiles["package.json"], Is.EqualTo(PackageJson("3.0.1")));
            Assert.That(pushedFiles["package-lock.json"], Does.Contain("\"node_modules/is-odd\": {\n      \"version\": \"3.0.1\"").And.Contain("node_modules/is-number"), "the lockfile was regenerated");
            Assert.That(Report(check.Repository, workflow), Does.Contain("fix pushed"));
        });

        // The pushed branch, judged outside our sandbox: a fresh npm ci from the real registry, then the test.
        var judged = await HostNpm.RunAsync(pushedFiles, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, then: ["test"]);
        Assert.That(judged, Does.Contain("odd ok"));
    }

    private static string PackageJson(string version) =>
        "{\n  \"name\": \"odd\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"scripts\": {\n    \"test\": \"node test.js\"\n  },\n" +
        $"  \"dependencies\": {{\n    \"is-odd\": \"{version}\"\n  }}\n}}\n";

    private static string ManifestDiff(string from, string to) => string.Join('\n',
        "diff --git a/package.json b/package.json",
        "--- a/package.json",
        "+++ b/package.json",
        "@@ -6,6 +6,6 @@",
        "     \"test\": \"node test.js\"",
        "   },",
        "   \"dependencies\": {",
        $"-    \"is-odd\": \"{from}\"",
        $"+    \"is-odd\": \"{to}\"",
        "   }",
        " }",
        "");
}
