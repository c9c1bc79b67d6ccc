using Agentic.CheckAnalyzer.Parsers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;

namespace Agentic.CheckAnalyzer.Tests.Parsers;

public sealed class ParserTests
{
    private static FindingCollector Parse(string fixture)
    {
        var findings = new FindingCollector();
        LogParsers.ParseText(Fixture.Read(fixture), findings);
        return findings;
    }

    [Test]
    public void Should_read_msbuild_errors_once_with_relative_paths_when_the_summary_repeats_them()
    {
        var findings = Parse("msbuild.log");

        Assert.That(findings.Findings, Has.Count.EqualTo(2));
        Assert.That(findings.Findings[0], Is.EqualTo(new Finding(FindingKind.Compile, "msbuild", "src/Shop.Api/Orders/OrderService.cs", 42, 17, "CS0103", "The name 'customerId' does not exist in the current context")));
        Assert.That(findings.Findings[1].Code, Is.EqualTo("CS1061"));
    }

    [Test]
    public void Should_read_project_level_restore_errors_when_nuget_fails()
    {
        var findings = Parse("nuget-restore.log");

        Assert.That(findings.Findings.Single().Code, Is.EqualTo("NU1101"));
        Assert.That(findings.Findings.Single().Kind, Is.EqualTo(FindingKind.Dependency));
        Assert.That(findings.Findings.Single().File, Is.EqualTo("src/Shop.Api/Shop.Api.csproj"));
    }

    [Test]
    public void Should_report_format_findings_when_dotnet_format_fails()
    {
        var findings = Parse("dotnet-format.log");

        Assert.That(findings.Findings.Select(f => f.Kind), Is.All.EqualTo(FindingKind.Format));
        Assert.That(findings.Findings.Select(f => f.File), Is.EqualTo(new List<string> { "src/Shop.Api/Orders/OrderService.cs", "src/Shop.Api/Program.cs" }));
    }

    [Test]
    public void Should_read_tsc_errors_when_in_parenthesised_form()
    {
        var findings = Parse("tsc.log");

        Assert.That(findings.Findings.Select(f => (f.Tool, f.File, f.Line, f.Code)), Is.EqualTo(new[]
        {
            ("tsc", (string?)"src/components/Cart.tsx", (int?)27, (string?)"TS2322"),
            ("tsc", "src/api/client.ts", 8, "TS2307"),
        }));
    }

    [Test]
    public void Should_read_tsc_errors_when_in_pretty_form()
    {
        var findings = Parse("tsc-pretty.log");

        Assert.That(findings.Findings.Select(f => (f.File, f.Line, f.Column, f.Code)), Is.EqualTo(new[]
        {
            ((string?)"src/components/Cart.tsx", (int?)27, (int?)11, (string?)"TS2322"),
            ("src/utils/money.ts", 3, 17, "TS2554"),
        }));
        Assert.That(findings.Findings[1].Message, Is.EqualTo("Expected 2 arguments, but got 1."));
    }

    [Test]
    public void Should_read_eslint_errors_with_their_file_and_rule_and_skip_warnings_when_stylish()
    {
        var findings = Parse("eslint.log");

        Assert.That(findings.Findings.Select(f => (f.File, f.Line, f.Code)), Is.EqualTo(new[]
        {
            ((string?)"src/components/Cart.tsx", (int?)4, (string?)"@typescript-eslint/no-unused-vars"),
            ("src/components/Cart.tsx", 31, "indent"),
            ("src/api/client.ts", 12, "@typescript-eslint/no-explicit-any"),
        }));
        Assert.That(findings.Findings.Select(f => f.Kind), Is.All.EqualTo(FindingKind.Lint));
    }

    [Test]
    public void Should_list_unformatted_files_when_prettier_check_fails()
    {
        var findings = Parse("prettier.log");

        Assert.That(findings.Findings.Select(f => f.File), Is.EqualTo(new List<string> { "src/components/Cart.tsx", "src/styles/theme.css" }));
        Assert.That(findings.Findings.Select(f => f.Kind), Is.All.EqualTo(FindingKind.Format));
    }

    [Test]
    public void Should_read_failed_tests_with_location_when_pytest_fails()
    {
        var findings = Parse("pytest.log");

        Assert.That(findings.Findings, Has.Count.EqualTo(2));
        Assert.That(findings.Findings[0], Is.EqualTo(new Finding(FindingKind.Test, "pytest", "tests/test_invoice.py", 14, null, "tests/test_invoice.py::test_invoice_total", "assert 16 == 15")));
        Assert.That(findings.Findings[1].Line, Is.EqualTo(33));
    }

    [Test]
    public void Should_read_failed_tests_with_message_and_stack_location_when_trx()
    {
        var findings = TestResultXmlParser.Parse(Fixture.Read("results.trx"));

        var failed = findings.Single();
        Assert.That(failed.Code, Is.EqualTo("Shop.Tests.OrderTests.Should_apply_discount_when_code_valid"));
        Assert.That(failed.File, Is.EqualTo("tests/Shop.Tests/OrderTests.cs"));
        Assert.That(failed.Line, Is.EqualTo(37));
        Assert.That(failed.Message, Does.Contain("Expected: 90.0m"));
    }

    [Test]
    public void Should_read_failures_and_errors_when_junit()
    {
        var findings = TestResultXmlParser.Parse(Fixture.Read("junit.xml"));

        Assert.That(findings.Select(f => f.Code), Is.EqualTo(new List<string> { "Cart totals.adds VAT to the total", "api.client.retries on 503" }));
        Assert.That(findings[0].File, Is.EqualTo("src/components/Cart.test.tsx"));
        Assert.That(findings[1].Message, Is.EqualTo("TypeError: fetch is not a function"));
    }

    [Test]
    public void Should_refuse_a_dtd_when_test_results_carry_one()
    {
        var findings = TestResultXmlParser.Parse("""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><testsuites><testcase name="a"><failure message="&e;"/></testcase></testsuites>""");

        Assert.That(findings, Is.Empty);
    }
}
