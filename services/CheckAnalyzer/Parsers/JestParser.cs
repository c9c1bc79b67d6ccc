using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// Jest's default reporter: <c>FAIL path</c> per test file, then <c>● suite › test</c> per failure with the error
/// and a stack whose first frame in the repository is where it failed.
/// </summary>
public sealed partial class JestParser : ILineParser
{
    private string? _suite;
    private string? _test;
    private string? _message;
    private (string File, int Line, int Column)? _location;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (line.StartsWith("FAIL ", StringComparison.Ordinal) || line.StartsWith("PASS ", StringComparison.Ordinal))
        {
            Complete(findings);
            var suite = Suite().Match(line);
            _suite = suite.Success && line[0] == 'F' ? PathNormalizer.Normalize(suite.Groups["file"].Value) : null;
            return;
        }

        if (_suite is null)
        {
            return;
        }

        var trimmed = line.Trim();
        if (trimmed.StartsWith("● ", StringComparison.Ordinal))
        {
            Complete(findings, keepSuite: true);
            _test = trimmed[2..].Trim();
            return;
        }

        if (_test is null)
        {
            return;
        }

        if (line.StartsWith("Test Suites:", StringComparison.Ordinal) || line.StartsWith("Summary of all failing tests", StringComparison.Ordinal))
        {
            Complete(findings);
        }
        else if (trimmed.StartsWith("at ", StringComparison.Ordinal))
        {
            _location ??= JsStackFrame.Read(trimmed);
        }
        else if (_message is null && trimmed.Length > 0)
        {
            _message = trimmed;
        }
    }

    public void Complete(FindingCollector findings) => Complete(findings, keepSuite: false);

    private void Complete(FindingCollector findings, bool keepSuite)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_test is not null)
        {
            var (file, line, column) = _location is { } l ? (l.File, (int?)l.Line, (int?)l.Column) : (_suite, null, null);
            findings.Add(new Finding(FindingKind.Test, "jest", file, line, column, _test, _message ?? "failed"));
        }

        (_test, _message, _location) = (null, null, null);
        if (!keepSuite)
        {
            _suite = null;
        }
    }

    [GeneratedRegex(@"^(?:FAIL|PASS) +(?:\S+ +)?(?<file>[^\s()]+\.[cm]?[jt]sx?)(?: \([\d.]+ m?s\))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Suite();
}
