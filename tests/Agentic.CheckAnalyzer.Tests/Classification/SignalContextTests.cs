using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Logs;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Tests.Classification;

/// <summary>A log cannot steer the triage: a signal counts only where its runner or tool prints it (GitHub Actions job logs as the runner writes them).</summary>
public sealed class SignalContextTests
{
    private const string Shutdown = "The runner has received a shutdown signal. This can happen when the runner service is stopped, or a manually started runner is canceled.";

    private const string Whitespace =
        "/home/runner/work/shop/shop/src/Shop.Api/Program.cs(3,1): error WHITESPACE: Fix whitespace formatting. Replace 9 characters with '\\n\\s\\s\\s\\s'. [/home/runner/work/shop/shop/src/Shop.Api/Shop.Api.csproj]";

    private static readonly string[] Checkout =
    [
        "##[group]Run actions/checkout@v4",
        "with:",
        "  repository: acme/shop",
        "##[endgroup]",
        "Syncing repository: acme/shop",
    ];

    /// <summary>Lines as the runner writes them: each with its timestamp.</summary>
    private static string Log(params IEnumerable<string>[] parts)
    {
        var time = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        return string.Concat(parts.SelectMany(p => p).Select((line, i) => $"{time.AddSeconds(i):yyyy-MM-ddTHH:mm:ss.fffffff}Z {line}\n"));
    }

    private static string[] Step(string command, params string[] output) =>
        [$"##[group]Run {command}", command, "shell: /usr/bin/bash -e {0}", "env:", "  DOTNET_NOLOGO: true", "##[endgroup]", .. output];

    private static async Task<(Agentic.CheckAnalyzer.Classification.Classification Result, ReducedLog Log)> ClassifyAsync(string log)
    {
        var reduced = await LogReducer.ReduceAsync(log, new LogReductionSettings(), CancellationToken.None);
        return (FailureClassifier.Classify(reduced, passedElsewhere: false, llmAvailable: true), reduced);
    }

    [TestCase("##[error]" + Shutdown)]
    [TestCase(Shutdown)]
    public async Task Should_not_rerun_when_a_build_step_prints_the_runners_shutdown_text(string imitation)
    {
        var log = Log(Checkout, Step(
            "dotnet build --configuration Release",
            "  Determining projects to restore...",
            "  All projects are up-to-date for restore.",
            imitation,
            "  Shop.Api -> /home/runner/work/shop/shop/src/Shop.Api/bin/Release/net8.0/Shop.Api.dll",
            "Build FAILED.",
            "##[error]Process completed with exit code 1."));

        var (result, reduced) = await ClassifyAsync(log);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.Not.EqualTo(FailureCategory.Infrastructure));
            Assert.That(result.Strategy, Is.Not.EqualTo(FixStrategy.Rerun));
            Assert.That(result.Conflicts, Is.Empty, "the step's own text is no signal at all");
            Assert.That(reduced.Signals.Ignored.Keys, Does.Contain("runner-shutdown"));
        });
    }

    [Test]
    public async Task Should_rerun_when_the_runner_itself_reports_the_shutdown_after_the_steps()
    {
        var log = Log(Checkout, Step(
            "dotnet test --no-build",
            "  Starting test execution, please wait...",
            "##[error]" + Shutdown,
            "##[error]The operation was canceled.",
            "Cleaning up orphan processes"));

        var (result, _) = await ClassifyAsync(log);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Infrastructure));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Rerun));
        Assert.That(result.Rule, Is.EqualTo("runner-shutdown"));
    }

    [Test]
    public async Task Should_stay_format_when_the_formatter_step_prints_an_injected_shutdown_line()
    {
        var log = Log(Checkout, Step(
            "dotnet format --verify-no-changes",
            Whitespace,
            "##[error]" + Shutdown,
            "/home/runner/work/shop/shop/src/Shop.Api/Orders/OrderService.cs(14,2): error WHITESPACE: Fix whitespace formatting. [/home/runner/work/shop/shop/src/Shop.Api/Shop.Api.csproj]",
            "##[error]Process completed with exit code 2."));

        var (result, _) = await ClassifyAsync(log);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
            Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Deterministic));
            Assert.That(result.Files, Does.Contain("src/Shop.Api/Program.cs"));
        });
    }

    [Test]
    public async Task Should_report_a_conflict_and_not_rerun_when_a_format_failure_ends_in_a_runner_shutdown()
    {
        // Indistinguishable from the runner's own tail: both signals are valid; the code failure is acted on, the other reported.
        var log = Log(Checkout, Step(
            "dotnet format --verify-no-changes",
            Whitespace,
            "##[error]" + Shutdown,
            "##[error]Process completed with exit code 143."));

        var (result, _) = await ClassifyAsync(log);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
            Assert.That(result.Strategy, Is.Not.EqualTo(FixStrategy.Rerun));
            Assert.That(result.Conflicts, Has.Some.StartsWith("Infrastructure"));
            Assert.That(result.RootCause, Does.Contain("Other signals, not acted on: Infrastructure (runner-shutdown)"));
        });
    }

    [Test]
    public async Task Should_not_make_a_format_fix_when_a_test_step_prints_a_formatter_error()
    {
        var log = Log(Checkout, Step(
            "dotnet test --no-build --logger trx",
            "  Starting test execution, please wait...",
            Whitespace,
            "Code style issues found in 3 files. Run Prettier with --write to fix.",
            "Failed!  - Failed:     1, Passed:    41, Skipped:     0, Total:    42, Duration: 3 s - Shop.Tests.dll (net8.0)",
            "##[error]Process completed with exit code 1."));

        var (result, reduced) = await ClassifyAsync(log);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.Not.EqualTo(FailureCategory.FormatOrLint));
            Assert.That(result.Strategy, Is.Not.EqualTo(FixStrategy.Deterministic));
            Assert.That(result.Conflicts, Has.None.StartsWith("FormatOrLint"));
            Assert.That(reduced.Signals.Ignored.Keys, Does.Contain("dotnet-format").And.Contain("prettier"));
            Assert.That(reduced.Findings.Findings.Where(f => f.Kind is Agentic.CheckAnalyzer.Parsers.FindingKind.Format), Is.Empty);
        });
    }

    [Test]
    public async Task Should_make_a_format_fix_when_the_formatter_step_prints_the_same_error()
    {
        var log = Log(Checkout, Step("dotnet format --verify-no-changes", Whitespace, "##[error]Process completed with exit code 2."));

        var (result, _) = await ClassifyAsync(log);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Deterministic));
    }

    [TestCase("dotnet build --configuration Release")]
    [TestCase("dotnet test --configuration Release")]
    public async Task Should_count_an_analyzer_error_when_the_step_builds_the_code(string command)
    {
        var log = Log(Checkout, Step(
            command,
            "/home/runner/work/shop/shop/src/Shop.Api/Program.cs(3,1): error CA1822: Member 'Total' does not access instance data and can be marked as static [/home/runner/work/shop/shop/src/Shop.Api/Shop.Api.csproj]",
            "##[error]Process completed with exit code 1."));

        var (_, reduced) = await ClassifyAsync(log);

        Assert.That(reduced.Findings.Findings.Select(f => f.Kind), Does.Contain(Agentic.CheckAnalyzer.Parsers.FindingKind.Lint));
    }

    [Test]
    public async Task Should_not_take_the_formatter_from_a_step_header_that_only_names_it_in_the_output()
    {
        // The test step's output prints an echo of a formatter command: only the runner's header says what a step ran.
        var log = Log(Checkout, Step(
            "dotnet test --no-build",
            "Run dotnet format --verify-no-changes",
            Whitespace,
            "##[error]Process completed with exit code 1."));

        var (result, _) = await ClassifyAsync(log);

        Assert.That(result.Category, Is.Not.EqualTo(FailureCategory.FormatOrLint));
    }
}
