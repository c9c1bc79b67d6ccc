using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// Packages that cannot be resolved: npm's <c>ETARGET</c> (no such version), <c>E404</c> (no such package) and
/// <c>ERESOLVE</c> (conflicting peer ranges); NuGet's <c>NU1101</c>/<c>NU1102</c>/<c>NU1103</c> with the versions
/// it found; pip's <c>Could not find a version that satisfies the requirement</c>.
/// </summary>
public sealed partial class DependencyParser : ILineParser
{
    private const int MaxMessage = 500;

    private string? _npmCode;
    private string? _eresolve;
    private bool _eresolveDetail;
    private Finding? _nuget;
    private readonly HashSet<string> _pipRequirements = new(StringComparer.OrdinalIgnoreCase);

    public void Accept(string line, FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(findings);
        if (_nuget is not null)
        {
            var more = NuGetContinuation().Match(line);
            if (more.Success && more.Groups["code"].Value == _nuget.Code)
            {
                if (_nuget.Message.Length < MaxMessage)
                {
                    _nuget = _nuget with { Message = $"{_nuget.Message} {more.Groups["msg"].Value.Trim()}" };
                }

                return;
            }

            findings.Add(_nuget);
            _nuget = null;
        }

        if (line.StartsWith("npm ", StringComparison.Ordinal))
        {
            AcceptNpm(line, findings);
            return;
        }

        FlushNpm(findings);
        if (line.Contains("error NU110", StringComparison.Ordinal))
        {
            var nuget = NuGet().Match(line);
            if (nuget.Success)
            {
                _nuget = new Finding(FindingKind.Dependency, "nuget", PathNormalizer.Normalize(nuget.Groups["file"].Value), null, null, nuget.Groups["code"].Value, nuget.Groups["msg"].Value.Trim());
            }
        }
        else if (line.StartsWith("ERROR: ", StringComparison.Ordinal))
        {
            var pip = Pip().Match(line);
            if (pip.Success && _pipRequirements.Count < 1000 && _pipRequirements.Add(pip.Groups["req"].Value))
            {
                findings.Add(new Finding(FindingKind.Dependency, "pip", null, null, null, null, line["ERROR: ".Length..].Trim()));
            }
        }
    }

    public void Complete(FindingCollector findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        if (_nuget is not null)
        {
            findings.Add(_nuget);
            _nuget = null;
        }

        FlushNpm(findings);
        _npmCode = null;
    }

    private void AcceptNpm(string line, FindingCollector findings)
    {
        var npm = Npm().Match(line);
        if (!npm.Success)
        {
            return;
        }

        var text = npm.Groups["text"].Value.Trim();
        if (text.StartsWith("code ", StringComparison.Ordinal))
        {
            FlushNpm(findings);
            _npmCode = text["code ".Length..].Trim();
            return;
        }

        if (_npmCode == "ETARGET" && text.StartsWith("notarget No matching version found for ", StringComparison.Ordinal))
        {
            findings.Add(new Finding(FindingKind.Dependency, "npm", null, null, null, "ETARGET", text["notarget ".Length..].TrimEnd('.')));
        }
        else if (_npmCode == "E404" && NotFound().Match(text) is { Success: true } missing)
        {
            findings.Add(new Finding(FindingKind.Dependency, "npm", null, null, null, "E404", $"'{missing.Groups["pkg"].Value}' is not in the registry"));
        }
        else if (_npmCode == "ERESOLVE" && _eresolve is null && text.StartsWith("ERESOLVE ", StringComparison.Ordinal))
        {
            _eresolve = text["ERESOLVE ".Length..];
        }
        else if (_eresolve is not null && text is "Could not resolve dependency:" or "Conflicting peer dependency:")
        {
            _eresolveDetail = true;
        }
        else if (_eresolve is not null && _eresolveDetail && text.Length > 0)
        {
            _eresolve = $"{_eresolve}: {text}";
            FlushNpm(findings);
        }
    }

    private void FlushNpm(FindingCollector findings)
    {
        if (_eresolve is not null)
        {
            findings.Add(new Finding(FindingKind.Dependency, "npm", null, null, null, "ERESOLVE", _eresolve.Length > MaxMessage ? _eresolve[..MaxMessage] : _eresolve));
        }

        (_eresolve, _eresolveDetail) = (null, false);
    }

    [GeneratedRegex(@"^npm (?:ERR!|error)(?: (?<text>.*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Npm();

    [GeneratedRegex(@"^404\s+(?:The requested resource )?'(?<pkg>[^']{1,300})' (?:is not in this registry|could not be found)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NotFound();

    [GeneratedRegex(@"^\s*(?<file>[^\s:][^:]*?|[A-Za-z]:[^:]*?)\s*:\s*error (?<code>NU110[123]): (?<msg>\S.*?)(?:\s+\[[^\]]+\.(?:sln|slnx|csproj|fsproj|vbproj|proj)\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NuGet();

    [GeneratedRegex(@":\s*error (?<code>NU110[123]):\s{2,}(?<msg>\S.*?)(?:\s+\[[^\]]+\.(?:sln|slnx|csproj|fsproj|vbproj|proj)\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NuGetContinuation();

    [GeneratedRegex(@"^ERROR: (?:Could not find a version that satisfies the requirement|No matching distribution found for) (?<req>\S{1,300})", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pip();
}
