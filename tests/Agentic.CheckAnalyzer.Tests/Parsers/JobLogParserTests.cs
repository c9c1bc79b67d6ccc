using Agentic.CheckAnalyzer.Logs;
using Agentic.CheckAnalyzer.Parsers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;

namespace Agentic.CheckAnalyzer.Tests.Parsers;

/// <summary>
/// Whole GitHub Actions job logs around real tool output (see Fixtures/generation/README.md), read as the analyzer
/// reads them: streamed through the log reducer, each line in its step.
/// </summary>
public sealed class JobLogParserTests
{
    private static async Task<IReadOnlyList<Finding>> FindingsAsync(string fixture)
    {
        var reduced = await LogReducer.ReduceAsync(Fixture.Read(fixture), new LogReductionSettings(), CancellationToken.None);
        return reduced.Findings.Findings;
    }

    [Test]
    public async Task Should_read_each_failed_test_with_its_location_and_error_when_node_test_prints_tap()
    {
        var findings = await FindingsAsync("node-test-tap.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "tap", "test/cart.test.js", 5, 1, "adds prices", "Expected values to be strictly equal: 6 !== 5"),
            new Finding(FindingKind.Test, "tap", "test/cart.test.js", 9, 1, "empty cart is zero", "Expected values to be strictly equal: 1 !== 0"),
            new Finding(FindingKind.Test, "tap", "test/cart.test.js", 17, 1, "throws on bad input", "cents must be an integer"),
        }));
    }

    [Test]
    public async Task Should_report_the_failing_assertions_under_their_test_and_file_when_node_tap_fails()
    {
        var findings = await FindingsAsync("tap.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "tap", "test/money.test.js", 5, 4, "test/money.test.js › adds amounts › should be equal", "should be equal"),
            new Finding(FindingKind.Test, "tap", "src/money.js", 3, 9, "test/money.test.js › throws on bad input › cents must be an integer", "cents must be an integer"),
        }));
    }

    [TestCase("dotnet-test-xunit.log", "Shop.Tests.CartTests.Total_adds_prices", 9, "Assert.Equal() Failure: Values differ Expected: 6 Actual: 5")]
    [TestCase("dotnet-test-nunit.log", "Total_adds_prices", 9, "Assert.That(prices.Sum(), Is.EqualTo(6m)) Expected: 6m But was: 5m")]
    [TestCase("dotnet-test-mstest.log", "Total_adds_prices", 10, "Assert.AreEqual failed. Expected:<6>. Actual:<5>. 'expected' expression: '6m', 'actual' expression: 'prices.Sum()'.")]
    public async Task Should_read_every_failed_test_at_its_repository_frame_when_dotnet_test_fails(string fixture, string test, int line, string message)
    {
        var findings = await FindingsAsync(fixture);
        var project = fixture["dotnet-test-".Length..^".log".Length];

        Assert.Multiple(() =>
        {
            Assert.That(findings, Has.Count.EqualTo(3));
            Assert.That(findings.Select(f => f.Kind), Is.All.EqualTo(FindingKind.Test));
            Assert.That(findings.Select(f => f.File), Is.All.EqualTo($"tests/Shop.Tests.{project}/CartTests.cs"), "frames in the framework's own sources (/_/src/…) are skipped");
            Assert.That(findings.Single(f => f.Code == test), Has.Property(nameof(Finding.Line)).EqualTo(line).And.Property(nameof(Finding.Message)).EqualTo(message));
            Assert.That(findings.Select(f => f.Code), Has.Some.Contains("Currency_symbol").And.Some.Contains("Discount_throws_on_negative"));
        });
    }

    [Test]
    public async Task Should_read_xunit_test_names_with_arguments_and_sub_millisecond_durations()
    {
        var findings = await FindingsAsync("dotnet-test-xunit.log");

        Assert.That(findings.Select(f => f.Code), Is.EquivalentTo(new[]
        {
            "Shop.Tests.CartTests.Currency_symbol(code: \"GBP\", symbol: \"£\")",
            "Shop.Tests.CartTests.Total_adds_prices",
            "Shop.Tests.CartTests.Discount_throws_on_negative",
        }));
    }

    [Test]
    public async Task Should_report_an_xunit_failure_whose_failed_block_is_missing()
    {
        var log = string.Join('\n', Fixture.Read("dotnet-test-xunit.log").Split('\n').TakeWhile(l => !l.Contains("  Failed Shop.Tests", StringComparison.Ordinal)));

        var reduced = await LogReducer.ReduceAsync(log, new LogReductionSettings(), CancellationToken.None);

        Assert.That(reduced.Findings.Findings.Select(f => f.Code), Is.EquivalentTo(new[]
        {
            "Shop.Tests.CartTests.Currency_symbol(code: \"GBP\", symbol: \"£\")",
            "Shop.Tests.CartTests.Total_adds_prices",
            "Shop.Tests.CartTests.Discount_throws_on_negative",
        }));
    }

    [Test]
    public async Task Should_read_failures_and_errors_with_their_repository_frame_when_the_nunit_console_runner_fails()
    {
        var findings = await FindingsAsync("nunit-console.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "nunit", "tests/Shop.Tests.Console/CartTests.cs", 26, null, "Shop.Tests.CartTests.Currency_symbol(\"GBP\",\"£\")",
                "String lengths are both 1. Strings differ at index 0. Expected: \"£\" But was: \"$\" -----------^"),
            new Finding(FindingKind.Test, "nunit", "tests/Shop.Tests.Console/CartTests.cs", 41, null, "Shop.Tests.CartTests.Discount_throws_on_negative",
                "System.ArgumentOutOfRangeException : must not be negative Parameter name: percent Actual value was -1."),
            new Finding(FindingKind.Test, "nunit", "tests/Shop.Tests.Console/CartTests.cs", 13, null, "Shop.Tests.CartTests.Total_adds_prices", "Expected: 6m But was: 5m"),
        }));
    }

    [Test]
    public async Task Should_read_the_failed_tests_with_the_assertion_location_when_pytest_fails()
    {
        var findings = await FindingsAsync("pytest-failed.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "pytest", "tests/test_invoice.py", 8, null, "tests/test_invoice.py::test_invoice_total", "assert 16 == 15"),
            new Finding(FindingKind.Test, "pytest", "tests/test_invoice.py", 12, null, "tests/test_invoice.py::test_empty_invoice", "assert 1 == 0"),
        }));
    }

    [Test]
    public async Task Should_read_the_reason_from_its_section_when_pytest_cannot_collect_a_module()
    {
        var findings = await FindingsAsync("pytest-collect.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "pytest", "tests/test_export.py", null, null, "tests/test_export.py", "ModuleNotFoundError: No module named 'billing.export'"),
        }));
    }

    [Test]
    public async Task Should_name_the_missing_lock_entries_when_npm_ci_finds_the_lock_file_out_of_sync()
    {
        var findings = await FindingsAsync("npm-ci-out-of-sync.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Dependency, "npm", "package-lock.json", null, null, "EUSAGE", "package.json and package-lock.json are out of sync: Missing: is-odd@3.0.1 from lock file; Missing: is-number@6.0.0 from lock file"),
        }));
    }

    [Test]
    public async Task Should_read_every_nuget_resolution_error_when_restore_fails()
    {
        var findings = await FindingsAsync("nuget-restore-errors.log");

        Assert.Multiple(() =>
        {
            Assert.That(findings.Select(f => f.Code), Is.EqualTo(new[] { "NU1608", "NU1101", "NU1103", "NU1605" }));
            Assert.That(findings.Select(f => f.File), Is.All.EqualTo("src/Shop.Api/Shop.Api.csproj"));
            Assert.That(findings.Select(f => f.Kind), Is.All.EqualTo(FindingKind.Dependency));
            Assert.That(findings[1].Message, Is.EqualTo("Unable to find package Contoso.Payments.Client. No packages exist with this id in source(s): nuget.org"));
            Assert.That(findings[2].Message, Is.EqualTo("Unable to find a stable package System.CommandLine.NamingConventionBinder with version (>= 1.0.0) - Found 1 version(s) in nuget.org [ Nearest version: 2.0.0-beta4.22272.1 ]"));
            Assert.That(findings[3].Message, Does.StartWith("Detected package downgrade: Microsoft.Extensions.DependencyInjection from 8.0.0 to 6.0.0.")
                .And.Contains("Shop.Api -> Microsoft.Extensions.Logging 8.0.0 -> Microsoft.Extensions.DependencyInjection (>= 8.0.0)"));
            Assert.That(findings[0].Message, Is.EqualTo("Detected package version outside of dependency constraint: Microsoft.CodeAnalysis.CSharp 4.8.0 requires Microsoft.CodeAnalysis.Common (= 4.8.0) but version Microsoft.CodeAnalysis.Common 4.9.2 was resolved."));
        });
    }

    [Test]
    public async Task Should_report_the_conflict_and_its_causes_once_when_pip_reports_resolution_impossible()
    {
        var findings = await FindingsAsync("pip-resolution-impossible.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Dependency, "pip", null, null, null, "ResolutionImpossible",
                "Cannot install -r requirements.txt (line 1) and taxcalc==2.0.0 because these package versions have conflicting dependencies: The user requested taxcalc==2.0.0; invoicekit 1.4.0 depends on taxcalc<2"),
        }));
    }
}
