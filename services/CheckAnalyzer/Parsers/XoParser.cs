using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// xo (and anything else printing with eslint-formatter-pretty): an indented <c>path:line:col</c> header, then
/// <c>✖  line:col  message  rule</c> lines for errors (<c>⚠</c> for warnings, which are skipped). tsd prints its type
/// tests' TypeScript diagnostics with the same formatter but names no rule (xo always does): those are compile findings.
/// </summary>
public sealed partial class XoParser : ILineParser
{
    private string? _file;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (line.Length == 0 || !char.IsWhiteSpace(line[0]))
        {
            _file = null;
            return;
        }

        var trimmed = line.TrimStart();
        if (trimmed.StartsWith('✖'))
        {
            var problem = _file is null ? Match.Empty : Problem().Match(trimmed);
            if (problem.Success)
            {
                var rule = problem.Groups["rule"].Success;
                findings.Add(new Finding(
                    rule ? FindingKind.Lint : FindingKind.Compile,
                    rule ? "xo" : "tsd",
                    _file,
                    int.Parse(problem.Groups["line"].Value, CultureInfo.InvariantCulture),
                    int.Parse(problem.Groups["col"].Value, CultureInfo.InvariantCulture),
                    problem.Groups["rule"].Success ? problem.Groups["rule"].Value : null,
                    problem.Groups["msg"].Value.Trim()));
            }

            return;
        }

        if (trimmed.StartsWith('⚠'))
        {
            return;
        }

        var header = Header().Match(line);
        _file = header.Success ? PathNormalizer.Normalize(header.Groups["file"].Value) : null;
    }

    [GeneratedRegex(@"^\s{1,8}(?<file>(?:[A-Za-z]:)?[\w./\\@+-]+\.[\w]{1,10}):\d{1,7}:\d{1,7}$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Header();

    [GeneratedRegex(@"^✖\s+(?<line>\d{1,7}):(?<col>\d{1,7})\s+(?<msg>.+?)(?:\s{2,}(?<rule>[\w@./-]+))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Problem();
}
