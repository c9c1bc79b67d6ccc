using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Tests.Infrastructure;

namespace Agentic.Executor.Tests.Execution;

/// <summary>The pipeline's setup phase: dependencies installed (real npm, through the egress proxy) before validation runs.</summary>
public sealed class ExecutionPipelineSetupTests
{
    private static readonly string Fixture = Path.Combine(TestContext.CurrentContext.TestDirectory, "Setup", "Fixtures", "npm");

    private static Dictionary<string, string?> NpmFiles() =>
        Directory.EnumerateFiles(Fixture).ToDictionary(f => Path.GetFileName(f), f => (string?)File.ReadAllText(f));

    [Test]
    public async Task Should_install_dependencies_before_validation_when_the_repository_has_a_lockfile()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("npm-setup", NpmFiles());

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NoChange), result.Error);
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Validation.Select(s => s.Kind), Is.EqualTo(new[] { "setup", "build" }));
        Assert.That(result.Validation[0].CommandLine, Is.EqualTo("npm ci --ignore-scripts --no-audit --no-fund"));
        Assert.That(result.Validation[1].ExitCode, Is.Zero, "the build needs is-odd, which only setup installs: " + result.Validation[1].OutputTail);
    }

    [Test]
    public async Task Should_end_with_an_error_naming_the_install_command_when_setup_fails()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var files = NpmFiles();
        files["package.json"] = """{ "name": "setup-fixture", "version": "1.0.0", "scripts": { "build": "true" }, "dependencies": { "is-even": "1.0.0" } }""";
        var repository = await harness.CreateRepositoryAsync("npm-broken", files);

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.Error));
        Assert.That(result.Error, Does.StartWith("setup failed: installing dependencies with `npm ci --ignore-scripts --no-audit --no-fund` exited 1"));
        Assert.That(result.Error, Does.Not.Contain("validation"));
        Assert.That(result.Validation.Select(s => s.Kind), Is.EqualTo(new[] { "setup" }), "nothing ran after the failed setup");
    }

    [Test]
    public async Task Should_run_the_declared_setup_with_the_repository_variables_when_agentic_yml_declares_them()
    {
        await using var harness = await ExecutorHarness.StartAsync();
        var repository = await harness.CreateRepositoryAsync("declared-setup", new Dictionary<string, string?>
        {
            [".github/agentic.yml"] = """
                setup:
                  - [sh, -c, 'echo "$GREETING" > from-setup.txt']
                env:
                  GREETING: hello
                timeouts:
                  setup: 2m
                test: [sh, -c, 'grep -q hello from-setup.txt && test "$GREETING" = hello']
                """,
        });

        var result = await harness.Pipeline.ExecuteAsync(harness.Command(repository, await ExecutorHarness.HeadAsync(repository), "validate"), CancellationToken.None);

        Assert.That(result.Outcome, Is.EqualTo(ExecutionOutcome.NoChange), result.Error + string.Join("\n", result.Validation.Select(v => v.OutputTail)));
        Assert.That(result.Validation.Select(s => s.Kind), Is.EqualTo(new[] { "setup", "test" }));
        Assert.That(result.Validation[1].ExitCode, Is.Zero, result.Validation[1].OutputTail);
    }
}
