using Agentic.CheckAnalyzer.Parsers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;

namespace Agentic.CheckAnalyzer.Tests.Parsers;

/// <summary>The fixtures are the real output of xo 2, AVA 7, Vitest 4, Jest 30 and Mocha 12 run with CI=true and no colour.</summary>
public sealed class JavaScriptParserTests
{
    private static IReadOnlyList<Finding> Parse(string fixture)
    {
        var findings = new FindingCollector();
        LogParsers.ParseText(Fixture.Read(fixture), findings);
        return findings.Findings;
    }

    [Test]
    public void Should_read_every_xo_error_with_file_line_column_and_rule_when_xo_fails()
    {
        var findings = Parse("xo.log");

        Assert.That(findings, Has.Count.EqualTo(17));
        Assert.That(findings.Select(f => (f.Kind, f.Tool)), Is.All.EqualTo((FindingKind.Lint, "xo")));
        Assert.That(findings[0], Is.EqualTo(new Finding(FindingKind.Lint, "xo", "src/cart.js", 1, 7, "no-unused-vars", "unused is assigned a value but never used. Allowed unused vars must match /^_/u.")));
        Assert.That(findings[^1], Is.EqualTo(new Finding(FindingKind.Lint, "xo", "src/greet.js", 2, 9, "@stylistic/quotes", "Strings must use singlequote.")));
        Assert.That(findings.Select(f => f.File).Distinct(), Is.EqualTo(new[] { "src/cart.js", "src/greet.js" }));
    }

    [Test]
    public void Should_skip_xo_warnings_when_errors_follow_them()
    {
        var findings = Parse("xo-warning.log");

        Assert.That(findings.Select(f => (f.File, f.Line, f.Code)), Is.EqualTo(new[]
        {
            ((string?)"src/greet.js", (int?)1, (string?)"arrow-body-style"),
            ("src/greet.js", 2, "@stylistic/quotes"),
        }));
    }

    [Test]
    public void Should_read_failed_ava_tests_with_the_assertion_location_and_difference_when_ava_fails()
    {
        var findings = Parse("ava.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "ava", "test/cart.test.js", 5, 4, "cart › adds prices", "Difference (- actual, + expected): - 4 + 6"),
            new Finding(FindingKind.Test, "ava", "test/money.test.js", 4, 4, "money › formats cents", "Difference (- actual, + expected): -   cents: 100, +   cents: 101,"),

            // The stack of a thrown error names an absolute path outside a runner checkout: no repository file to name.
            new Finding(FindingKind.Test, "ava", null, null, null, "money › throws on bad input", "TypeError: bad input"),
        }));
    }

    [Test]
    public void Should_read_failed_vitest_tests_with_the_failing_line_when_vitest_fails()
    {
        var findings = Parse("vitest.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "vitest", "test/cart.test.js", 6, 43, "cart > adds prices", "AssertionError: expected 4 to be 6 // Object.is equality"),
            new Finding(FindingKind.Test, "vitest", "test/money.test.js", 4, 23, "formats cents", "AssertionError: expected { cents: 100 } to deeply equal { cents: 101 }"),
            new Finding(FindingKind.Test, "vitest", "test/money.test.js", 8, 8, "throws on bad input", "TypeError: bad input"),
        }));
    }

    [Test]
    public void Should_report_the_file_when_a_vitest_suite_fails_to_load()
    {
        var findings = Parse("vitest-suite.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "vitest", "test/broken.test.js", 2, 1, "test/broken.test.js", "Error: Cannot find module '../src/missing.js' imported from /tmp/pfx/vitest/test/broken.test.js"),
        }));
    }

    [Test]
    public void Should_read_failed_jest_tests_with_the_first_stack_frame_in_the_repository_when_jest_fails()
    {
        var findings = Parse("jest.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "jest", "test/cart.test.js", 5, 43, "cart › adds prices", "expect(received).toBe(expected) // Object.is equality"),
            new Finding(FindingKind.Test, "jest", "test/money.test.js", 2, 23, "formats cents", "expect(received).toEqual(expected) // deep equality"),
            new Finding(FindingKind.Test, "jest", "test/money.test.js", 6, 8, "throws on bad input", "TypeError: bad input"),
        }));
    }

    [Test]
    public void Should_read_failed_mocha_tests_with_their_full_title_when_mocha_fails()
    {
        var findings = Parse("mocha.log");

        Assert.That(findings, Is.EqualTo(new[]
        {
            new Finding(FindingKind.Test, "mocha", "test/cart.test.js", 6, 10, "cart adds prices", "AssertionError [ERR_ASSERTION]: Expected values to be strictly equal: 4 !== 6"),
            new Finding(FindingKind.Test, "mocha", "test/money.test.js", 5, 10, "money formats cents", "AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal: + actual - expected"),
            new Finding(FindingKind.Test, "mocha", "test/money.test.js", 9, 9, "money throws on bad input", "TypeError: bad input"),
        }));
    }

    [Test]
    public void Should_name_the_repository_file_when_a_javascript_stack_frame_is_in_a_runner_checkout()
    {
        var findings = new FindingCollector();
        LogParsers.ParseText(
            """
            FAIL test/cart.test.js
              ● cart › adds prices

                TypeError: bad input

                  at Object.<anonymous> (node_modules/lib/index.js:1:1)
                  at Object.<anonymous> (/home/runner/work/web/web/src/cart.js:12:7)

            Tests:       1 failed, 1 total
            """,
            findings);

        Assert.That(findings.Findings.Single(), Is.EqualTo(new Finding(FindingKind.Test, "jest", "src/cart.js", 12, 7, "cart › adds prices", "TypeError: bad input")));
    }

    [Test]
    public void Should_read_hostile_long_lines_in_bounded_time_when_they_imitate_every_format()
    {
        var spaced = string.Concat(Enumerable.Repeat("a  ", 30_000));
        var text = string.Join('\n',
            "  src/cart.js:1:1",
            $"  ✖  1:1  {spaced}",
            $" FAIL  test/a.test.js > {spaced}",
            $"    at {string.Concat(Enumerable.Repeat("x (", 20_000))}",
            $"npm error code ETARGET",
            $"npm error notarget No matching version found for {spaced}",
            $"x.csproj : error NU1102: {spaced}",
            $"ERROR: Could not find a version that satisfies the requirement {spaced}");
        var findings = new FindingCollector();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        LogParsers.ParseText(text, findings);

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(findings.Findings.Select(f => f.Tool), Is.EquivalentTo(new[] { "xo", "vitest", "npm", "nuget", "pip" }));
    }
}
