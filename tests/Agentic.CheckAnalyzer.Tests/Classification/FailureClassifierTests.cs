using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Tests.Classification;

public sealed class FailureClassifierTests
{
    private static async Task<Agentic.CheckAnalyzer.Classification.Classification> ClassifyAsync(string fixture, bool passedElsewhere = false, bool llm = false)
    {
        var reduced = await LogReducer.ReduceAsync(Fixture.Read(fixture), new LogReductionSettings(), CancellationToken.None);
        return FailureClassifier.Classify(reduced, passedElsewhere, llm);
    }

    [TestCase("prettier.log")]
    [TestCase("eslint.log")]
    [TestCase("dotnet-format.log")]
    public async Task Should_classify_format_or_lint_with_a_deterministic_fix_when_a_formatter_or_linter_fails(string fixture)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Deterministic));
        Assert.That(result.Confidence, Is.GreaterThanOrEqualTo(0.8));
        Assert.That(result.Files, Is.Not.Empty);
    }

    [TestCase("prettier.log", "prettier", new string[0])]
    [TestCase("eslint.log", "eslint", new[] { "@typescript-eslint/no-unused-vars", "indent", "@typescript-eslint/no-explicit-any" })]
    [TestCase("dotnet-format.log", "msbuild", new[] { "WHITESPACE", "IMPORTS" })]
    public async Task Should_name_the_tool_and_its_codes_so_the_dispatcher_can_pick_the_fixer(string fixture, string tool, string[] codes)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Tool, Is.EqualTo(tool));
        Assert.That(result.Codes, Is.EquivalentTo(codes));
    }

    [TestCase("msbuild.log")]
    [TestCase("tsc.log")]
    [TestCase("tsc-pretty.log")]
    [TestCase("actions-dotnet.log")]
    public async Task Should_classify_compile_when_the_compiler_reports_errors(string fixture)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Compile));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.LlmEdit));
        Assert.That(result.Files, Is.Not.Empty);
    }

    [Test]
    public async Task Should_escalate_with_the_diagnosis_when_compile_fails_and_no_llm_is_configured()
    {
        var result = await ClassifyAsync("msbuild.log", llm: false);

        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Escalate));
        Assert.That(result.RootCause, Does.Contain("CS0103"));
    }

    [Test]
    public async Task Should_classify_test_failure_when_pytest_fails()
    {
        var result = await ClassifyAsync("pytest.log", llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(result.Files, Is.EqualTo(new List<string> { "tests/test_invoice.py", "tests/test_tax.py" }));
    }

    [TestCase("nuget-restore.log", "nuget", "Contoso.Payments")]
    [TestCase("npm-404.log", "npm", "@acme/left-padd")]
    public async Task Should_offer_an_llm_edit_with_the_package_manager_and_the_package_when_a_package_does_not_resolve(string fixture, string tool, string package)
    {
        var result = await ClassifyAsync(fixture, llm: true);
        var withoutModel = await ClassifyAsync(fixture, llm: false);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Dependency));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.LlmEdit));
        Assert.That(result.Tool, Is.EqualTo(tool));
        Assert.That(result.Packages, Is.EqualTo(new[] { package }));
        Assert.That(withoutModel.Strategy, Is.EqualTo(FixStrategy.Escalate));
    }

    [Test]
    public async Task Should_classify_dependency_and_escalate_when_only_a_missing_module_is_seen()
    {
        var result = await ClassifyAsync("python-module.log", llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Dependency));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Escalate));
        Assert.That(result.Packages, Is.Empty);
    }

    [TestCase("runner-lost.log", "runner-shutdown")]
    [TestCase("oom.log", "oom-killed")]
    [TestCase("dns.log", "dns")]
    public async Task Should_classify_infrastructure_and_rerun_when_the_runner_or_network_fails(string fixture, string rule)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Infrastructure));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Rerun));
        Assert.That(result.Rule, Is.EqualTo(rule));
    }

    [Test]
    public async Task Should_classify_flaky_and_rerun_when_the_same_check_passed_on_the_same_commit()
    {
        var result = await ClassifyAsync("pytest.log", passedElsewhere: true, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Flaky));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Rerun));
    }

    [Test]
    public async Task Should_classify_unknown_with_low_confidence_when_nothing_matches()
    {
        var reduced = await LogReducer.ReduceAsync("doing things\nall good\n", new LogReductionSettings(), CancellationToken.None);

        var result = FailureClassifier.Classify(reduced, passedElsewhere: false, llmAvailable: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Unknown));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Escalate));
        Assert.That(result.Confidence, Is.LessThan(0.5));
    }
}
