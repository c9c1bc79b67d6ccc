using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.Executor.Tests.Reproduction;

/// <summary>Reproduce-first through the whole pipeline: real git, real bubblewrap, real node and bash, no registry needed.</summary>
public sealed class ReproductionPipelineTests
{
    private const string Workflow = """
        name: CI
        on: pull_request
        env:
          GREETING: hello
          DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
        jobs:
          test:
            name: test (node ${{ matrix.node }})
            runs-on: ubuntu-latest
            strategy:
              matrix:
                node: [20]
            defaults:
              run:
                working-directory: pkg
            steps:
              - uses: actions/checkout@v4
              - uses: actions/setup-node@v4
                with:
                  node-version: ${{ matrix.node }}
              - run: npm ci
              - run: npm run build
              - name: Unit tests
                run: |
                  mkdir -p coverage
                  echo "run at $(date)" > coverage/report.txt
                  node test/math.test.js
        """;

    private const string Test = """
        const assert = require('node:assert');
        const { add } = require('../src/math.js');
        assert.strictEqual(add(1, 1), 2, 'add(1, 1) in math.js');
        console.log('math ok');
        """;

    private const string PackageJson = """{ "name": "pkg", "version": "1.0.0", "private": true }""" + "\n";

    private const string PackageLock = """{ "name": "pkg", "version": "1.0.0", "lockfileVersion": 3, "requires": true, "packages": { "": { "name": "pkg", "version": "1.0.0" } } }""" + "\n";

    private static readonly CiJobReference Job = new()
    {
        WorkflowPath = ".github/workflows/ci.yml",
        JobName = "test (node 20)",
        FailedStepName = "Unit tests",
        FailedStepNumber = 6,
    };

    private static Dictionary<string, string?> Repository(string math, string? workflow = null) => new()
    {
        [".github/workflows/ci.yml"] = workflow ?? Workflow,
        ["pkg/package.json"] = PackageJson,
        ["pkg/package-lock.json"] = PackageLock,
        ["pkg/src/math.js"] = math,
        ["pkg/test/math.test.js"] = Test,
    };

    private static string Diff(string to) => $"--- a/pkg/src/math.js\n+++ b/pkg/src/math.js\n@@ -1 +1 @@\n-exports.add = (a, b) => a - b;\n+{to}\n";

    private static async Task<CommandExecuted> RunAsync(ExecutorHarness harness, StandInRepository repository, string diff, CiJobReference? job = null, IReadOnlyList<string>? files = null)
    {
        var command = harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "apply-diff", new Dictionary<string, string> { ["diff"] = diff }, TimeSpan.FromMinutes(2))
            with { Job = job ?? Job, FailureFiles = files ?? ["pkg/test/math.test.js"] };
        return await harness.Pipeline.ExecuteAsync(command, CancellationToken.None);
    }

    private static string Evidence(CommandExecuted result) =>
        result.Error + "\n" + string.Join("\n", result.Validation.Select(v => $"[{v.Kind}] {v.CommandLine} exit {v.ExitCode}: {v.OutputTail}"));

    [Test]
    public async Task Should_validate_the_fix_when_the_failure_reproduces_at_the_head_and_the_same_step_passes_after_it()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-fixed", Repository("exports.add = (a, b) => a - b;\n"));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), Evidence(result));
        Assert.That(result.Validation.Select(v => v.Kind), Is.EqualTo(new[] { "setup", "reproduce at head", "reproduce" }), "apply-diff runs on the host: no sandbox step of its own");
        Assert.That(result.Validation[0].CommandLine, Is.EqualTo("npm ci"));
        Assert.That(result.Validation[1].ExitCode, Is.EqualTo(1));
        Assert.That(result.Validation[1].OutputTail, Does.Contain("add(1, 1) in math.js"));
        Assert.That(result.Validation[^1].ExitCode, Is.Zero);
        Assert.That(result.Validation[^1].OutputTail, Does.Contain("math ok"));
        Assert.That(result.Patch, Does.Contain("+exports.add = (a, b) => a + b;"));
        Assert.That(result.Patch, Does.Not.Contain("coverage/report.txt"), "what the head's run created is not part of the fix");
        Assert.That(result.Patch, Does.Not.Contain("node_modules"));
    }

    [Test]
    public async Task Should_answer_validation_failed_when_the_reproduction_still_fails_after_the_fix()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-wrong-fix", Repository("exports.add = (a, b) => a - b;\n"));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a * b;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.ValidationFailed), Evidence(result));
        Assert.That(result.Patch, Is.Null);
        Assert.That(result.Validation[^1].Kind, Is.EqualTo("reproduce"));
        Assert.That(result.Error, Does.Contain("add(1, 1) in math.js"));
    }

    [Test]
    public async Task Should_answer_not_reproduced_without_running_the_fix_when_the_step_passes_at_the_head()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-flaky", Repository("exports.add = (a, b) => a + b;\n"));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => b + a;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NotReproduced), Evidence(result));
        Assert.That(result.Patch, Is.Null);
        Assert.That(result.Validation.Select(v => v.Kind), Is.EqualTo(new[] { "setup", "reproduce at head" }), "the fix never ran");
        Assert.That(result.Error, Does.Contain("'Unit tests'").And.Contain("passed here on the unchanged head"));
        Assert.That(result.Error, Does.Contain("math ok"));
    }

    [Test]
    public async Task Should_answer_environment_differs_when_a_command_of_the_step_is_not_installed()
    {
        const string workflow = """
            on: push
            jobs:
              lint:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - name: Lint
                    run: xo --reporter=compact
            """;
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-127", Repository("exports.add = (a, b) => a - b;\n", workflow));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"), new CiJobReference { WorkflowPath = ".github/workflows/ci.yml", JobName = "lint", FailedStepNumber = 3 });

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.EnvironmentDiffers), Evidence(result));
        Assert.That(result.Validation[^1].ExitCode, Is.EqualTo(127));
        Assert.That(result.Error, Does.Contain("Our environment differs from CI's").And.Contain("exit 127, command not found").And.Contain("xo"));
        Assert.That(result.Validation.Select(v => v.Kind), Has.No.Member("command"));
    }

    [Test]
    public async Task Should_answer_environment_differs_when_the_jobs_setup_fails_here()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = Repository("exports.add = (a, b) => a - b;\n");
        files["pkg/package-lock.json"] = null;
        var repository = await harness.CreateRepositoryAsync("repro-setup", files);

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.EnvironmentDiffers), Evidence(result));
        Assert.That(result.Validation.Single().Kind, Is.EqualTo("setup"));
        Assert.That(result.Validation.Single().ExitCode, Is.Not.Zero);
        Assert.That(result.Error, Does.Contain("the job's setup failed here").And.Contain("npm ci"));
    }

    [Test]
    public async Task Should_answer_environment_differs_when_the_step_fails_without_naming_what_ci_failed_on()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-other", Repository("exports.add = (a, b) => a - b;\n"));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"), files: ["src/parser.ts"]);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.EnvironmentDiffers), Evidence(result));
        Assert.That(result.Error, Does.Contain("names none of the files the CI failure is about (parser.ts)"));
        Assert.That(result.Error, Does.Contain("add(1, 1) in math.js"), "our output travels with the outcome");
    }

    [Test]
    public async Task Should_answer_environment_differs_without_running_anything_when_the_toolchain_is_missing()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-node14", Repository("exports.add = (a, b) => a - b;\n", Workflow.Replace("node: [20]", "node: [14]", StringComparison.Ordinal)));

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"), Job with { JobName = "test (node 14)" });

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.EnvironmentDiffers), Evidence(result));
        Assert.That(result.Error, Does.Contain("toolchain missing: node 14 (installed: "));
        Assert.That(result.Validation, Is.Empty);
    }

    [Test]
    public async Task Should_pass_the_workflows_plain_variables_and_never_a_secret_to_the_sandbox()
    {
        const string workflow = """
            on: push
            env:
              GREETING: hello
              DEPLOY_TOKEN: ${{ secrets.DEPLOY_TOKEN }}
            jobs:
              check:
                runs-on: ubuntu-latest
                env:
                  GITHUB_TOKEN: ${{ github.token }}
                  BASH_ENV: /tmp/ws/evil.sh
                steps:
                  - name: Show
                    shell: bash
                    run: |
                      echo "greeting=$GREETING token=${DEPLOY_TOKEN-unset} github=${GITHUB_TOKEN-unset} bashenv=${BASH_ENV-unset} ci=$CI"
                      echo "host=${AGENTIC_TEST_HOST_SECRET-unset}"
            """;
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("repro-env", Repository("exports.add = (a, b) => a + b;\n", workflow));
        Environment.SetEnvironmentVariable("AGENTIC_TEST_HOST_SECRET", "host-secret-value");
        CommandExecuted result;
        try
        {
            result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"), new CiJobReference { WorkflowPath = ".github/workflows/ci.yml", JobName = "check", FailedStepName = "Show" });
        }
        finally
        {
            Environment.SetEnvironmentVariable("AGENTIC_TEST_HOST_SECRET", null);
        }

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NotReproduced), Evidence(result));
        Assert.That(result.Error, Does.Contain("greeting=hello token=unset github=unset bashenv=unset ci=true"));
        Assert.That(result.Error, Does.Contain("host=unset"));
    }

    [Test]
    public async Task Should_go_on_without_a_reproduction_when_the_workflow_has_no_such_job()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = Repository("exports.add = (a, b) => a - b;\n");
        files[".github/agentic.yml"] = "test: [node, pkg/test/math.test.js]\n";
        var repository = await harness.CreateRepositoryAsync("repro-none", files);

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"), Job with { JobName = "deploy" });

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), Evidence(result));
        Assert.That(result.Validation.Select(v => v.Kind), Is.EqualTo(new[] { "test" }), "no reproduction: the declared validation as before");
    }

    [Test]
    public async Task Should_require_after_the_fix_only_the_validation_steps_that_passed_at_the_head()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = Repository("exports.add = (a, b) => a - b;\n");
        files[".github/agentic.yml"] = "build: [\"false\"]\ntest: [grep, -q, exports.add, pkg/src/math.js]\n";
        var repository = await harness.CreateRepositoryAsync("repro-baseline", files);

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Validated), Evidence(result));
        Assert.That(result.Validation.Select(v => v.Kind), Is.EqualTo(new[] { "setup", "reproduce at head", "reproduce", "test" }), "build failed at the head already");
    }

    [Test]
    public async Task Should_answer_validation_failed_when_the_fix_breaks_a_step_that_passed_at_the_head()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = Repository("exports.add = (a, b) => a - b;\n");
        files[".github/agentic.yml"] = "lint: [grep, -q, \"a - b\", pkg/src/math.js]\n";
        var repository = await harness.CreateRepositoryAsync("repro-broken-lint", files);

        var result = await RunAsync(harness, repository, Diff("exports.add = (a, b) => a + b;"));

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.ValidationFailed), Evidence(result));
        Assert.That(result.Validation[^1].Kind, Is.EqualTo("lint"));
        Assert.That(result.Validation[^2].Kind, Is.EqualTo("reproduce"));
        Assert.That(result.Validation[^2].ExitCode, Is.Zero);
    }
}
