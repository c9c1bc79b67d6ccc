using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// Vitest's failure report: <c> FAIL  path &gt; suite &gt; test</c> (or <c>FAIL  path [ path ]</c> when the file
/// itself failed), the error on the next line, and <c> ❯ path:line:col</c> pointing at the failing line.
/// </summary>
public sealed partial class VitestParser : ILineParser
{
    private string? _file;
    private string? _test;
    private string? _message;
    private (string File, int Line, int Column)? _location;
    private bool _open;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        var trimmed = line.Trim();
        if (trimmed.StartsWith("FAIL ", StringComparison.Ordinal))
        {
            var failed = Failed().Match(trimmed);
            if (failed.Success)
            {
                Complete(findings);
                _open = true;
                _file = PathNormalizer.Normalize(failed.Groups["file"].Value);
                _test = failed.Groups["test"].Success ? failed.Groups["test"].Value.Trim() : null;
            }

            return;
        }

        if (!_open)
        {
            return;
        }

        if (trimmed.StartsWith('⎯') || trimmed.StartsWith("Test Files ", StringComparison.Ordinal))
        {
            Complete(findings);
        }
        else if (trimmed.StartsWith("❯ ", StringComparison.Ordinal))
        {
            if (_location is null && Source().Match(trimmed) is { Success: true } source && !source.Groups["file"].Value.Contains("node_modules", StringComparison.Ordinal))
            {
                _location = (PathNormalizer.Normalize(source.Groups["file"].Value), int.Parse(source.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(source.Groups["col"].Value, CultureInfo.InvariantCulture));
            }
        }
        else if (_message is null && trimmed.Length > 0)
        {
            _message = trimmed;
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_open)
        {
            var (file, line, column) = _location is { } l ? (l.File, (int?)l.Line, (int?)l.Column) : (_file, null, null);
            findings.Add(new Finding(FindingKind.Test, "vitest", file, line, column, _test ?? _file, _message ?? "failed"));
        }

        (_open, _file, _test, _message, _location) = (false, null, null, null, null);
    }

    // "FAIL  path > a > b" for a test, "FAIL  path [ path ]" for a file that failed to load; Jest's "FAIL path" has neither.
    [GeneratedRegex(@"^FAIL\s+(?<file>[^\s>\[]+\.[cm]?[jt]sx?)(?:\s+>\s+(?<test>.+?)|\s+\[ [^\]]+ \])(?:\s+\[ [^\]]+ \])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Failed();

    [GeneratedRegex(@"^❯ (?:\S+ )?(?<file>[^\s:]+?):(?<line>\d{1,7}):(?<col>\d{1,7})$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Source();
}
