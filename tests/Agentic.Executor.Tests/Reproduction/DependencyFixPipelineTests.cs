using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.Executor.Tests.Reproduction;

/// <summary>
/// A dependency fix through the pipeline: a package.json that pins a version the real npm registry does not have, a
/// real <c>npm ci</c> failing with ETARGET through the egress proxy, the manifest diff, the lockfile regenerated in the
/// sandbox (<c>npm install --package-lock-only</c>), a fresh <c>npm ci</c> and the repository's test.
/// </summary>
public sealed class DependencyFixPipelineTests
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

    private static readonly CiJobReference Job = new()
    {
        WorkflowPath = ".github/workflows/ci.yml",
        JobName = "test",
        FailedStepName = "Run npm ci",
        FailedStepNumber = 3,
    };

    /// <summary>The package.json with is-odd at <paramref name="version"/>, laid out as the scripted model's diff expects.</summary>
    public static string PackageJson(string version) =>
        "{\n  \"name\": \"odd\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"scripts\": {\n    \"test\": \"node test.js\"\n  },\n" +
        $"  \"dependencies\": {{\n    \"is-odd\": \"{version}\"\n  }}\n}}\n";

    /// <summary>The lockfile a contributor's hand edit left: the version pinned, nothing resolved (npm ci then asks the registry and answers ETARGET).</summary>
    public const string PackageLock = """
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

    public const string Test = "const isOdd = require('is-odd');\nif (!isOdd(3) || isOdd(4)) { throw new Error('is-odd is wrong'); }\nconsole.log('odd ok');\n";

    public static string ManifestDiff(string from, string to) => string.Join('\n',
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

    public static Dictionary<string, string?> Files(string? workflow = null) => new()
    {
        [".github/workflows/ci.yml"] = workflow ?? Workflow,
        ["package.json"] = PackageJson("9.9.9"),
        ["package-lock.json"] = PackageLock,
        ["test.js"] = Test,
    };

    private static async Task<CommandExecuted> RunAsync(ExecutorHarness harness, StandInRepository repository, string diff, bool dependencyFix = true)
    {
        var command = harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }, TimeSpan.FromMinutes(3))
            with { Job = Job, FailureFiles = [], DependencyFix = dependencyFix };
        return await harness.Pipeline.ExecuteAsync(command, CancellationToken.None);
    }

    private static string Evidence(CommandExecuted result) =>
        result.Error + "\n" + string.Join("\n", result.Validation.Select(v => $"[{v.Kind}] {v.CommandLine} exit {v.ExitCode}: {v.OutputTail}"));

    [Test]
    public async Task Should_validate_a_manifest_fix_with_a_regenerated_lockfile_when_npm_ci_fails_on_a_version_that_does_not_exist()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("dep-fixed", Files());

        var result = await RunAsync(harness, repository, ManifestDiff("9.9.9", "3.0.1"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), Evidence(result));
        Assert.Multiple(() =>
        {
            Assert.That(result.Validation[0].Kind, Is.EqualTo("setup"));
            Assert.That(result.Validation[0].OutputTail, Does.Contain("ETARGET").And.Contain("is-odd@9.9.9"), "the real npm ci failed as CI did");
            Assert.That(result.Validation.Where(v => v.Kind == "setup after the fix").Select(v => v.CommandLine),
                Is.EqualTo(new[] { "npm install --package-lock-only --ignore-scripts --no-audit --no-fund", "npm ci" }));
            Assert.That(result.Validation.Single(v => v.Kind == "reproduce").ExitCode, Is.Zero);
            Assert.That(result.Validation[^1].OutputTail, Does.Contain("odd ok"), "the repository's test ran after the fresh install");
            Assert.That(result.Patch, Does.Contain("+    \"is-odd\": \"3.0.1\"").And.Contain("diff --git a/package-lock.json b/package-lock.json"));
            Assert.That(result.Patch, Does.Contain("\"node_modules/is-number\""), "the lockfile was resolved by the registry");
            Assert.That(result.Patch, Does.Not.Contain("node_modules/.package-lock.json"));
        });
    }

    [Test]
    public async Task Should_answer_validation_failed_with_the_install_error_when_the_new_version_does_not_exist_either()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("dep-wrong", Files());

        var result = await RunAsync(harness, repository, ManifestDiff("9.9.9", "8.8.8"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.ValidationFailed), Evidence(result));
        Assert.That(result.Patch, Is.Null);
        Assert.That(result.Error, Does.StartWith("the dependency change did not install: setup failed").And.Contain("is-odd@8.8.8"));
    }

    [Test]
    public async Task Should_answer_environment_differs_when_the_install_fails_and_the_failure_is_not_a_dependency_failure()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("dep-not-dependency", Files());

        var result = await RunAsync(harness, repository, ManifestDiff("9.9.9", "3.0.1"), dependencyFix: false);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.EnvironmentDiffers), Evidence(result));
    }

    [Test]
    public async Task Should_answer_not_reproduced_when_the_failed_install_step_installs_here()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = Files();
        files["package.json"] = PackageJson("3.0.1");
        files["package-lock.json"] = await LockfileAsync(PackageJson("3.0.1"));
        var repository = await harness.CreateRepositoryAsync("dep-flaky", files);

        var result = await RunAsync(harness, repository, ManifestDiff("3.0.1", "3.0.0"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NotReproduced), Evidence(result));
        Assert.That(result.Error, Does.Contain("installed the dependencies here on the unchanged head"));
    }

    /// <summary>A real lockfile for <paramref name="packageJson"/>, resolved by npm on the host (test arrangement only).</summary>
    private static async Task<string> LockfileAsync(string packageJson)
    {
        var folder = Directory.CreateTempSubdirectory("lock-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "package.json"), packageJson);
            using var npm = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("npm", ["install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            await npm.WaitForExitAsync();
            Assert.That(npm.ExitCode, Is.Zero, await npm.StandardError.ReadToEndAsync());
            return await File.ReadAllTextAsync(Path.Combine(folder, "package-lock.json"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
