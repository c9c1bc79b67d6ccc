using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// MSBuild and <c>dotnet</c> diagnostics: <c>path(line,col): error CS1234: message [project]</c>, project-level
/// <c>path.csproj : error NU1101: ...</c>, and <c>dotnet format</c>'s <c>error WHITESPACE</c> / IDE codes.
/// TypeScript's <c>file(l,c): error TS...</c> has the same shape and is reported as tsc.
/// </summary>
public sealed partial class MsBuildParser : ILineParser
{
    private static readonly HashSet<string> FormatCodes = new(StringComparer.OrdinalIgnoreCase) { "WHITESPACE", "FINALNEWLINE", "CHARSET", "ENDOFLINE", "IMPORTS", "IDE0055", "IDE0005" };

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (!line.Contains("error", StringComparison.Ordinal))
        {
            return;
        }

        var match = Located().Match(line);
        if (match.Success)
        {
            var code = match.Groups["code"].Value;
            var isTypeScript = code.StartsWith("TS", StringComparison.Ordinal);
            findings.Add(new Finding(
                KindOf(code),
                isTypeScript ? "tsc" : "msbuild",
                PathNormalizer.Normalize(match.Groups["file"].Value),
                int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture),
                int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture),
                code,
                match.Groups["msg"].Value.Trim()));
            return;
        }

        match = ProjectLevel().Match(line);
        if (match.Success && !DependencyParser.NuGetCodes.Contains(match.Groups["code"].Value))
        {
            // Unresolvable packages and versions (NU1101-NU1103, NU1605, NU1608) are read by DependencyParser.
            var code = match.Groups["code"].Value;
            findings.Add(new Finding(KindOf(code), "msbuild", PathNormalizer.Normalize(match.Groups["file"].Value), null, null, code, match.Groups["msg"].Value.Trim()));
        }
    }

    private static FindingKind KindOf(string code) =>
        FormatCodes.Contains(code) ? FindingKind.Format
        : code.StartsWith("IDE", StringComparison.Ordinal) || code.StartsWith("CA", StringComparison.Ordinal) || code.StartsWith("SA", StringComparison.Ordinal) ? FindingKind.Lint
        : code.StartsWith("NU", StringComparison.Ordinal) || code.StartsWith("MSB", StringComparison.Ordinal) || code.StartsWith("NETSDK", StringComparison.Ordinal) ? FindingKind.Other
        : FindingKind.Compile;

    [GeneratedRegex(@"^\s*(?<file>(?:[A-Za-z]:)?[^\s():]+)\((?<line>\d+),(?<col>\d+)(?:,\d+,\d+)?\)\s*:\s*error\s+(?<code>[A-Z]+\d*)\s*:\s*(?<msg>.*?)(?:\s+\[[^\]]+\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Located();

    [GeneratedRegex(@"^\s*(?<file>[^\s:][^:]*?|[A-Za-z]:[^:]*?)\s*:\s*error\s+(?<code>[A-Z]+\d+)\s*:\s*(?<msg>.*?)(?:\s+\[[^\]]+\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex ProjectLevel();
}
