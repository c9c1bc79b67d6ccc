using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>tsc's pretty output <c>src/a.ts:3:7 - error TS2322: message</c> (the <c>file(l,c)</c> form is read by <see cref="MsBuildParser"/>).</summary>
public sealed partial class TypeScriptParser : ILineParser
{
    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (!line.Contains(" - error TS", StringComparison.Ordinal))
        {
            return;
        }

        var match = Pretty().Match(line);
        if (match.Success)
        {
            findings.Add(new Finding(
                FindingKind.Compile,
                "tsc",
                PathNormalizer.Normalize(match.Groups["file"].Value),
                int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture),
                match.Groups["code"].Value,
                match.Groups["msg"].Value.Trim()));
        }
    }

    [GeneratedRegex(@"^\s*(?<file>\S.*?):(?<line>\d+):(?<col>\d+) - error (?<code>TS\d+): (?<msg>.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pretty();
}
