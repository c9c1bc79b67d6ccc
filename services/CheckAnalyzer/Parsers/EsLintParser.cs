using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>ESLint's default "stylish" output: a file path line, then indented <c>line:col  error  message  rule</c> lines.</summary>
public sealed partial class EsLintParser : ILineParser
{
    private string? _file;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (line.Length == 0)
        {
            return;
        }

        if (!char.IsWhiteSpace(line[0]))
        {
            _file = FileLine().IsMatch(line) ? line.Trim() : null;
            return;
        }

        if (_file is null)
        {
            return;
        }

        var match = Problem().Match(line);
        if (match.Success && match.Groups["sev"].Value == "error")
        {
            var rule = match.Groups["rule"].Success ? match.Groups["rule"].Value : null;
            findings.Add(new Finding(
                rule is "prettier/prettier" ? FindingKind.Format : FindingKind.Lint,
                "eslint",
                PathNormalizer.Normalize(_file),
                int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture),
                rule,
                match.Groups["msg"].Value.Trim()));
        }
    }

    [GeneratedRegex(@"^(?:[A-Za-z]:)?[\w./\\@-]*[/\\][\w.@-]+\.(?:[cm]?[jt]sx?|vue|svelte|json|md|astro)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex FileLine();

    [GeneratedRegex(@"^\s+(?<line>\d+):(?<col>\d+)\s+(?<sev>error|warning)\s+(?<msg>.+?)(?:\s{2,}(?<rule>[\w@./-]+))?\s*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Problem();
}
