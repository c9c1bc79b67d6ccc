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

    [TestCase("npm-etarget.log", "npm", "left-pad@99.99.99", "left-pad")]
    [TestCase("npm-eresolve.log", "npm", "react-dom@17.0.2", null)]
    [TestCase("npm-e404.log", "npm", "@acme-nonexistent-zz/left-padd", "@acme-nonexistent-zz/left-padd")]
    [TestCase("nuget-nu1102.log", "nuget", "Newtonsoft.Json with version (>= 99.0.0)", "Newtonsoft.Json")]
    [TestCase("nuget-restore.log", "nuget", "Contoso.Payments", "Contoso.Payments")]
    [TestCase("pip-no-version.log", "pip", "invoicekit==99.0.0", "invoicekit")]
    public async Task Should_classify_dependency_naming_the_package_when_a_version_cannot_be_resolved(string fixture, string tool, string rootCause, string? package)
    {
        var result = await ClassifyAsync(fixture, llm: true);

        Assert.That(result.Category, Is.EqualTo(FailureCategory.Dependency));
        Assert.That(result.Strategy, Is.EqualTo(FixStrategy.LlmEdit), "a manifest edit to a version that exists, proposed with the registry's versions");
        Assert.That(result.Rule, Is.EqualTo($"{tool}-findings"));
        Assert.That(result.RootCause, Does.Contain(rootCause));
        Assert.That(result.Tool, Is.EqualTo(tool));
        Assert.That(result.Packages, Is.EqualTo(package is null ? Array.Empty<string>() : new[] { package }));
    }

    [TestCase("node-test-tap.log", "tap", "test/cart.test.js")]
    [TestCase("tap.log", "tap", "test/money.test.js")]
    [TestCase("dotnet-test-xunit.log", "dotnet test", "tests/Shop.Tests.xunit/CartTests.cs")]
    [TestCase("dotnet-test-nunit.log", "dotnet test", "tests/Shop.Tests.nunit/CartTests.cs")]
    [TestCase("dotnet-test-mstest.log", "dotnet test", "tests/Shop.Tests.mstest/CartTests.cs")]
    [TestCase("nunit-console.log", "nunit", "tests/Shop.Tests.Console/CartTests.cs")]
    [TestCase("pytest-failed.log", "pytest", "tests/test_invoice.py")]
    [TestCase("pytest-collect.log", "pytest", "tests/test_export.py")]
    public async Task Should_classify_test_failure_by_rules_naming_the_test_files_when_a_whole_job_log_shows_failed_tests(string fixture, string tool, string file)
    {
        var result = await ClassifyAsync(fixture, llm: false);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.Test));
            Assert.That(result.Rule, Is.EqualTo($"{tool}-findings"));
            Assert.That(result.Confidence, Is.GreaterThanOrEqualTo(0.9));
            Assert.That(result.Files, Does.Contain(file));
            Assert.That(result.Conflicts, Is.Empty);
        });
    }

    [TestCase("npm-ci-out-of-sync.log", "npm", "is-odd@3.0.1")]
    [TestCase("nuget-restore-errors.log", "nuget", "Microsoft.CodeAnalysis.Common")]
    [TestCase("nuget-nu1605.log", "nuget", "Detected package downgrade: Microsoft.Extensions.DependencyInjection from 8.0.0 to 6.0.0")]
    [TestCase("nuget-nu1608.log", "nuget", "Microsoft.CodeAnalysis.CSharp 4.8.0 requires Microsoft.CodeAnalysis.Common (= 4.8.0)")]
    [TestCase("pip-resolution-impossible.log", "pip", "invoicekit 1.4.0 depends on taxcalc<2")]
    public async Task Should_classify_dependency_by_rules_naming_the_package_when_a_whole_job_log_shows_a_resolution_error(string fixture, string tool, string package)
    {
        var result = await ClassifyAsync(fixture, llm: false);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.Dependency));
            Assert.That(result.Rule, Is.EqualTo($"{tool}-findings"));
            Assert.That(result.RootCause, Does.Contain(package));
        });
    }

    [Test]
    public async Task Should_not_call_a_missing_module_of_the_repository_itself_a_dependency_failure()
    {
        // pytest-collect.log: "No module named 'billing.export'" while 'billing' imported: the repository's own module is missing.
        var reduced = await LogReducer.ReduceAsync(Fixture.Read("pytest-collect.log"), new LogReductionSettings(), CancellationToken.None);

        Assert.That(reduced.Signals.Hits.Keys, Does.Not.Contain("python-module"));
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

    [TestCase("prettier-npm-script.log", "prettier", "unit.js")]
    [TestCase("eslint-npm-script.log", "eslint", "index.js")]
    public async Task Should_classify_format_or_lint_by_rules_when_the_step_runs_a_package_script_whose_commands_npm_echoes(string fixture, string tool, string file)
    {
        // The step is `npm run check`; only npm's echo of the nested scripts (`> prettier --check .`) says a formatter ran.
        var result = await ClassifyAsync(fixture, llm: false);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.FormatOrLint));
            Assert.That(result.Strategy, Is.EqualTo(FixStrategy.Deterministic));
            Assert.That(result.Tool, Is.EqualTo(tool));
            Assert.That(result.Files, Is.EqualTo(new List<string> { file }));
        });
    }

    [Test]
    public async Task Should_classify_a_tsd_type_test_failure_as_compile_naming_the_type_test_file()
    {
        // tsd prints with the same formatter as xo (`✖  5:5  message`), but its diagnostics are TypeScript's and name no rule.
        var result = await ClassifyAsync("tsd.log", llm: false);

        Assert.Multiple(() =>
        {
            Assert.That(result.Category, Is.EqualTo(FailureCategory.Compile));
            Assert.That(result.Rule, Is.EqualTo("tsd-findings"));
            Assert.That(result.Files, Is.EqualTo(new List<string> { "index.test-d.ts" }));
        });
    }

    private static async Task<Agentic.CheckAnalyzer.Classification.Classification> ClassifyLogAsync(string log)
    {
        var reduced = await LogReducer.ReduceAsync(log, new LogReductionSettings(), CancellationToken.None);
        return FailureClassifier.Classify(reduced, passedElsewhere: false, llmAvailable: true);
    }
}
