using Agentic.CheckAnalyzer.Classification;
using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Tests.Classification;

/// <summary>Real output of JavaScript test runners, xo and package managers classifies without an LLM.</summary>
public sealed class ToolOutputClassificationTests
{
    private static async Task<Agentic.CheckAnalyzer.Classification.Classification> ClassifyAsync(string fixture, bool llm)
    {
        var reduced = await LogReducer.ReduceAsync(Fixture.Read(fixture), new LogReductionSettings(), CancellationToken.None);
        return FailureClassifier.Classify(reduced, passedElsewhere: false, llm);
    }

    [Test]
    public async Task Should_classify_lint_with_a_deterministic_fix_naming_the_files_when_xo_fails()
    {
        var result = await ClassifyAsync("xo.log", llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Deterministic));
        Assert.That(result.Rule, Is.EqualTo("xo-findings"));
        Assert.That(result.Files, Is.EqualTo(new List<string> { "src/cart.js", "src/greet.js" }));
    }

    [TestCase("ava.log", "ava")]
    [TestCase("vitest.log", "vitest")]
    [TestCase("jest.log", "jest")]
    [TestCase("mocha.log", "mocha")]
    public async Task Should_classify_test_failure_naming_the_test_files_when_a_javascript_test_runner_fails(string fixture, string tool)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.LlmEdit));
        Assert.That(result.Rule, Is.EqualTo($"{tool}-findings"));
        Assert.That(result.Confidence, Is.GreaterThanOrEqualTo(0.9));
        Assert.That(result.Files, Does.Contain("test/cart.test.js"));
    }

    [TestCase("npm-etarget.log", "npm", "left-pad@99.99.99")]
    [TestCase("npm-eresolve.log", "npm", "react-dom@17.0.2")]
    [TestCase("npm-e404.log", "npm", "@acme-nonexistent-zz/left-padd")]
    [TestCase("nuget-nu1102.log", "nuget", "Newtonsoft.Json with version (>= 99.0.0)")]
    [TestCase("nuget-restore.log", "nuget", "Contoso.Payments")]
    [TestCase("pip-no-version.log", "pip", "invoicekit==99.0.0")]
    public async Task Should_classify_dependency_naming_the_package_when_a_version_cannot_be_resolved(string fixture, string tool, string package)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Dependency));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Escalate));
        Assert.That(result.Rule, Is.EqualTo($"{tool}-findings"));
        Assert.That(result.RootCause, Does.Contain(package));
    }

    [TestCase("npm test")]
    [TestCase("npx xo")]
    [TestCase("npm run lint")]
    public async Task Should_count_xo_findings_when_the_step_ran_xo_or_the_script_that_runs_it(string command)
    {
        var log = $"##[group]Run {command}\n{command}\nshell: /usr/bin/bash -e {{0}}\n##[endgroup]\n{Fixture.Read("xo.log")}##[error]Process completed with exit code 1.\n";

        var result = await ClassifyLogAsync(log);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(result.Rule, Is.EqualTo("xo-findings"));
    }

    [Test]
    public async Task Should_not_count_xo_findings_when_a_step_that_never_ran_xo_prints_them()
    {
        var log = $"##[group]Run dotnet build\ndotnet build\nshell: /usr/bin/bash -e {{0}}\n##[endgroup]\n{Fixture.Read("xo.log")}##[error]Process completed with exit code 1.\n";

        var result = await ClassifyLogAsync(log);

        Assert.That(result.Category, Is.Not.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(result.Strategy, Is.Not.EqualTo(FixStrategy.Deterministic));
    }

    private static async Task<Agentic.CheckAnalyzer.Classification.Classification> ClassifyLogAsync(string log)
    {
        var reduced = await LogReducer.ReduceAsync(log, new LogReductionSettings(), CancellationToken.None);
        return FailureClassifier.Classify(reduced, passedElsewhere: false, llmAvailable: true);
    }
}
