using Agentic.IntegrationTests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// A prettier failure in a yarn repository end to end with zero LLM calls, every service a real process: yarn 1 (the
/// machine's) and yarn 4 (pinned in <c>packageManager</c>, run through corepack, <c>nodeLinker: node-modules</c>), each
/// with a real <c>yarn.lock</c> holding prettier from the registry and the Actions log of the real <c>yarn prettier
/// --check</c>. The Executor installs with the job's own yarn install through the egress proxy (scripts off),
/// reproduces the check with the same yarn at the head, runs the repository's prettier on the file the log names,
/// validates with the same step and pushes.
/// </summary>
public sealed class YarnPrettierEndToEndTests : RealRepositoryTest
{
    private const string Formatted = "export function greet(name) {\n  return `Hello ${name}`;\n}\n";

    private const string Unformatted = "export function greet( name ){\nreturn `Hello ${name}`\n}\n";

    [TestCase(false, TestName = "Should_fix_a_prettier_failure_in_a_yarn_1_repository_with_no_llm_call_after_a_real_yarn_install")]
    [TestCase(true, TestName = "Should_fix_a_prettier_failure_in_a_yarn_4_corepack_repository_with_no_llm_call_after_a_real_yarn_install")]
    public async Task Should_fix_a_prettier_failure_in_a_yarn_repository(bool berry)
    {
        var install = berry ? "yarn install --immutable" : "yarn install --frozen-lockfile";
        var workflow = $$"""
            name: CI
            on: pull_request
            jobs:
              lint:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: corepack enable
                  - run: {{install}}
                  - name: Check formatting
                    run: yarn prettier --check src
            """;
        var packageJson = "{\n  \"name\": \"pretty\",\n  \"version\": \"1.0.0\",\n  \"private\": true,\n"
            + (berry ? "  \"packageManager\": \"yarn@4.9.2\",\n" : "")
            + "  \"devDependencies\": {\n    \"prettier\": \"3.10.2\"\n  }\n}\n";
        var files = new Dictionary<string, string?>
        {
            [".github/workflows/ci.yml"] = workflow,
            ["package.json"] = packageJson,
            ["src/greet.js"] = Formatted,
        };
        if (berry)
        {
            files[".yarnrc.yml"] = "nodeLinker: node-modules\n";
        }

        var (lockfile, checkOutput) = await HostYarn.RunAsync(new Dictionary<string, string?>(files) { ["src/greet.js"] = Unformatted }, berry, [["prettier", "--check", "src"]], expectFailure: true);
        files["yarn.lock"] = lockfile;
        var log = ActionsLog("yarn prettier --check src", checkOutput);
        var check = await AddFailedCheckAsync("pretty", files, new Dictionary<string, string?> { ["src/greet.js"] = Unformatted }, "Add a greeting", new JobSeed
        {
            Name = "lint",
            Conclusion = "failure",
            Log = log,
            Steps = ["Set up job", "Run actions/checkout@v4", "Run corepack enable", $"Run {install}", "Check formatting", "Complete job"],
            FailedStep = "Check formatting",
        });

        var finished = await RunToEndAsync(check, berry ? "yarn4_prettier_fix" : "yarn1_prettier_fix", TimeSpan.FromMinutes(6));
        var pushed = await ReadPushedAsync(check.Repository, "src/greet.js", "yarn.lock", "package.json");
        Assert.Multiple(() =>
        {
            Assert.That(Plain(log), Does.Contain("[warn] src/greet.js"), "the log is the real prettier's, run by yarn");
            Assert.That(lockfile, berry ? Does.Contain("__metadata:") : Does.Contain("# yarn lockfile v1"));
            Assert.That(finished.Outcome, Is.EqualTo("pushed"), finished.Summary);
            Assert.That(pushed["src/greet.js"], Is.EqualTo(Formatted));
            Assert.That(pushed["yarn.lock"], Is.EqualTo(lockfile), "setup changed nothing the patch carries");
            Assert.That(pushed["package.json"], Is.EqualTo(packageJson), "corepack never pinned or rewrote packageManager");
            Assert.That(Llm.Requests, Is.Empty, "no LLM call: neither the analysis nor the fix needed one");
            Assert.That(Report(check.Repository, finished), Does.Contain("fix pushed"));
        });
    }
}
