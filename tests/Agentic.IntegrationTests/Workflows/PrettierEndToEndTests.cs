using Agentic.IntegrationTests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A prettier failure end to end with zero LLM calls, every service a real process: a JavaScript repository that declares
/// prettier (from the real npm registry, locked), a pull request with a badly formatted file, and the Actions log of the
/// real <c>prettier --check</c> on it. The Executor installs with the real <c>npm ci</c> through the egress proxy,
/// reproduces the check at the head, runs the repository's own prettier on the file the log names, validates with the
/// same step and pushes. A model is configured and must not be asked.
/// </summary>
public sealed class PrettierEndToEndTests : RealRepositoryTest
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

    [Test]
    public async Task Should_fix_a_prettier_failure_with_the_repositorys_prettier_and_no_llm_call_after_a_real_npm_ci()
    {
        var lockfile = await HostNpm.LockfileAsync(PackageJson);
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
        var check = await AddFailedCheckAsync("pretty", files, new Dictionary<string, string?> { ["src/greet.js"] = Unformatted }, "Add a greeting", new JobSeed
        {
            Name = "lint",
            Conclusion = "failure",
            Log = log,
            Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Check formatting", "Complete job"],
            FailedStep = "Check formatting",
        });

        var workflow = await RunToEndAsync(check, "prettier_fix", TimeSpan.FromMinutes(6));
        var pushed = await ReadPushedAsync(check.Repository, "src/greet.js");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("[warn] src/greet.js"), "the log is the real prettier's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(pushed["src/greet.js"], Is.EqualTo(Formatted));
            Assert.That(Llm.Requests, Is.Empty, "no LLM call: neither the analysis nor the fix needed one");
            Assert.That(Report(check.Repository, workflow), Does.Contain("fix pushed"));
        });
    }
}
