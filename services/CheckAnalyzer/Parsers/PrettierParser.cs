using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary><c>prettier --check</c>: <c>[warn] path</c> per unformatted file, then <c>[warn] Code style issues found ...</c>.</summary>
public sealed partial class PrettierParser : ILineParser
{
    private bool _summarySeen;
    private bool _fileSeen;

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (!line.StartsWith("[warn]", StringComparison.Ordinal))
        {
            return;
        }

        if (line.Contains("Code style issues", StringComparison.Ordinal))
        {
            _summarySeen = true;
            return;
        }

        var match = WarnFile().Match(line);
        if (match.Success)
        {
            _fileSeen = true;
            findings.Add(new Finding(FindingKind.Format, "prettier", PathNormalizer.Normalize(match.Groups["file"].Value), null, null, null, "not formatted with Prettier"));
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_summarySeen && !_fileSeen)
        {
            findings.Add(new Finding(FindingKind.Format, "prettier", null, null, null, null, "Code style issues found; run Prettier with --write"));
        }
    }

    [GeneratedRegex(@"^\[warn\]\s+(?<file>[^\s]+\.[\w]+)\s*$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex WarnFile();
}
