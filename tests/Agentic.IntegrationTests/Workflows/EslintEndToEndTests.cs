using Agentic.IntegrationTests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// An eslint failure end to end with zero LLM calls, every service a real process: a JavaScript repository that declares
/// eslint 9 (86 packages from the real npm registry, locked) with <c>prefer-const</c>, a pull request that breaks it, and
/// the Actions log of the real <c>eslint src</c> (its folder renamed to the runner's). The Executor installs with the real
/// <c>npm ci</c> through the egress proxy, reproduces the lint step at the head, runs the repository's own
/// <c>eslint --fix</c> on the file the log names, validates with the same step and pushes. A model is configured and must
/// not be asked.
/// </summary>
public sealed class EslintEndToEndTests : RealRepositoryTest
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
              - name: Lint
                run: npx eslint src
        """;

    private const string PackageJson = "{\n  \"name\": \"lint\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n  \"type\": \"module\",\n  \"devDependencies\": {\n    \"eslint\": \"9.39.5\"\n  }\n}\n";

    private const string Config = "export default [\n  {\n    files: [\"src/**/*.js\"],\n    rules: { \"prefer-const\": \"error\" },\n  },\n];\n";

    private const string Formatted = "export function total(items) {\n  let sum = 0;\n  const count = items.length;\n  for (const item of items) sum += item;\n  return sum / count;\n}\n";

    private const string Unformatted = "export function total(items) {\n  let sum = 0;\n  let count = items.length;\n  for (const item of items) sum += item;\n  return sum / count;\n}\n";

    [Test]
    public async Task Should_fix_an_eslint_failure_with_the_repositorys_eslint_fix_and_no_llm_call_after_a_real_npm_ci()
    {
        var lockfile = await HostNpm.LockfileAsync(PackageJson);
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = Workflow,
            ["package.json"] = PackageJson,
            ["package-lock.json"] = lockfile,
            ["eslint.config.js"] = Config,
            ["src/total.js"] = Formatted,
        };
        var checkOutput = await HostNpm.RunAsync(new Dictionary<string, string?>(files) { ["src/total.js"] = Unformatted },
            ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], null, expectFailure: true, then: ["exec", "--", "eslint", "src"]);
        var reported = checkOutput[checkOutput.IndexOf("/src/total.js", StringComparison.Ordinal)..];
        var log = ActionsLog("npx eslint src", "/home/runner/work/lint/lint" + reported);
        var check = await AddFailedCheckAsync("lint", files, new Dictionary<string, string?> { ["src/total.js"] = Unformatted }, "Add a total", new JobSeed
        {
            Name = "lint",
            Conclusion = "failure",
            Log = log,
            Steps = ["Set up job", "Run actions/checkout@v4", "Run npm ci", "Lint", "Complete job"],
            FailedStep = "Lint",
        });

        var workflow = await RunToEndAsync(check, "eslint_fix", TimeSpan.FromMinutes(6));
        var pushed = await ReadPushedAsync(check.Repository, "src/total.js");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("3:7  error  'count' is never reassigned. Use 'const' instead  prefer-const"), "the log is the real eslint's");
            Assert.That(workflow.Outcome, Is.EqualTo("pushed"), workflow.Summary);
            Assert.That(pushed["src/total.js"], Is.EqualTo(Formatted));
            Assert.That(Llm.Requests, Is.Empty, "no LLM call: neither the analysis nor the fix needed one");
            Assert.That(Report(check.Repository, workflow), Does.Contain("fix pushed"));
        });
    }
}
