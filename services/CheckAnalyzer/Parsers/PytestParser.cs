using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// pytest: the short summary's <c>FAILED path::test - Error</c> and <c>ERROR path - Error</c> lines, with the
/// location (<c>path.py:12: AssertionError</c>) and <c>E   </c> lines of the test's failure section; a collection
/// error (<c>ERROR path.py</c>) takes its reason from its <c>ERROR collecting path.py</c> section.
/// </summary>
public sealed partial class PytestParser : ILineParser
{
    private const int MaxSections = 1000;

    private readonly Dictionary<string, (string File, int Line)> _locations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _details = new(StringComparer.Ordinal);
    private string? _section;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (line.StartsWith("___", StringComparison.Ordinal))
        {
            var header = Section().Match(line);
            _section = header.Success ? header.Groups["test"].Value : null;
            return;
        }

        if (line.StartsWith('E') && line.Length > 4 && line.AsSpan(1, 3).IsWhiteSpace())
        {
            if (_section is not null && _details.Count < MaxSections && !_details.ContainsKey(_section))
            {
                _details[_section] = line[1..].Trim();
            }

            return;
        }

        if (_section is not null && !line.StartsWith("FAILED ", StringComparison.Ordinal) && !line.StartsWith("ERROR ", StringComparison.Ordinal) && line.Contains(".py:", StringComparison.Ordinal))
        {
            var location = Location().Match(line);
            if (location.Success && (_locations.Count < MaxSections || _locations.ContainsKey(_section)))
            {
                _locations[_section] = (location.Groups["file"].Value, int.Parse(location.Groups["line"].Value, CultureInfo.InvariantCulture));
            }

            return;
        }

        if (line.StartsWith("FAILED ", StringComparison.Ordinal))
        {
            var failed = Failed().Match(line);
            if (failed.Success)
            {
                var test = failed.Groups["test"].Value;
                var file = failed.Groups["file"].Value;
                var name = test.Split("::")[^1];
                var hasLocation = _locations.TryGetValue(name, out var location) || _locations.TryGetValue(test.Replace("::", ".", StringComparison.Ordinal), out location);
                var message = failed.Groups["msg"].Success ? failed.Groups["msg"].Value.Trim() : _details.GetValueOrDefault(name, "failed");
                findings.Add(new Finding(FindingKind.Test, "pytest", PathNormalizer.Normalize(hasLocation ? location.File : file), hasLocation ? location.Line : null, null, $"{file}::{test}", message));
            }
        }
        else if (line.StartsWith("ERROR ", StringComparison.Ordinal))
        {
            var error = Error().Match(line);
            if (error.Success)
            {
                // "ERROR tests/test_x.py" alone: the reason is the first E line of the "ERROR collecting tests/test_x.py" section.
                var file = error.Groups["file"].Value;
                var message = error.Groups["msg"].Success && error.Groups["msg"].Value.Trim().Length > 0
                    ? error.Groups["msg"].Value.Trim()
                    : _details.GetValueOrDefault($"ERROR collecting {file}", "error while collecting the tests");
                findings.Add(new Finding(FindingKind.Test, "pytest", PathNormalizer.Normalize(file), null, null, error.Groups["id"].Success ? $"{file}{error.Groups["id"].Value}" : file, message));
            }
        }
    }

    [GeneratedRegex(@"^_{3,} (?<test>\S+(?: \S+)*?) _{3,}$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Section();

    [GeneratedRegex(@"^(?<file>[\w./\\-]+\.py):(?<line>\d+): \w+", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Location();

    [GeneratedRegex(@"^FAILED (?<file>[^\s:]+\.py)::(?<test>\S+)(?: - (?<msg>.*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Failed();

    [GeneratedRegex(@"^ERROR (?<file>[^\s:]+\.py)(?<id>::\S+)?(?: - (?<msg>.*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Error();
}
