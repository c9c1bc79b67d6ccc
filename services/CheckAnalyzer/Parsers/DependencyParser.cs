using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>
/// Packages that cannot be resolved: npm's <c>ETARGET</c> (no such version), <c>E404</c> (no such package),
/// <c>ERESOLVE</c> (conflicting peer ranges) and <c>npm ci</c>'s lock file out of sync with package.json
/// (<c>EUSAGE</c>, with the <c>Missing:</c>/<c>Invalid:</c> lines); NuGet's <c>NU1101</c>/<c>NU1102</c>/<c>NU1103</c>
/// (no such package or version, with the versions it found), <c>NU1605</c> (downgrade) and <c>NU1608</c> (outside a
/// dependency's constraint) as errors; pip's <c>No matching distribution found</c> and <c>ResolutionImpossible</c>
/// (with the conflict's causes).
/// </summary>
public sealed partial class DependencyParser : ILineParser
{
    private const int MaxMessage = 500;

    /// <summary>The NuGet restore errors read here (MSBuild's own parser leaves them alone).</summary>
    internal static readonly IReadOnlySet<string> NuGetCodes = new HashSet<string>(StringComparer.Ordinal) { "NU1101", "NU1102", "NU1103", "NU1605", "NU1608" };

    private string? _npmCode;
    private string? _eresolve;
    private bool _eresolveDetail;
    private string? _lockSync;
    private string? _pipConflict;
    private bool _pipConflictDetail;
    private bool _pipConflictReported;
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
        if (_pipConflict is not null && AcceptPipConflict(line, findings))
        {
            return;
        }

        if (line.Contains("error NU1", StringComparison.Ordinal))
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
            else if (line.StartsWith("ERROR: Cannot install ", StringComparison.Ordinal))
            {
                FlushPip(findings);
                _pipConflict = Cap(line["ERROR: ".Length..].Trim().TrimEnd('.'));
            }
            else if (line.StartsWith("ERROR: ResolutionImpossible", StringComparison.Ordinal))
            {
                if (_pipConflict is null && !_pipConflictReported)
                {
                    _pipConflict = "ResolutionImpossible";
                }

                FlushPip(findings);
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
        FlushPip(findings);
        _npmCode = null;
    }

    /// <summary>A line of pip's conflict report; false when the report has ended and the line is read as usual.</summary>
    private bool AcceptPipConflict(string line, FindingCollector findings)
    {
        var text = line.Trim();
        if (text == "The conflict is caused by:")
        {
            _pipConflictDetail = true;
            return true;
        }

        if (_pipConflictDetail && line.StartsWith(' ') && text.Length > 0)
        {
            _pipConflict = Cap($"{_pipConflict}{(_pipConflict!.Contains(": ", StringComparison.Ordinal) ? "; " : ": ")}{text}");
            return true;
        }

        if (_pipConflictDetail && text.Length > 0)
        {
            // "To fix this you could try to:" and pip's advice: the report is complete.
            FlushPip(findings);
            return !line.StartsWith("ERROR: ", StringComparison.Ordinal);
        }

        return text.Length == 0 || !line.StartsWith("ERROR: ", StringComparison.Ordinal);
    }

    private void FlushPip(FindingCollector findings)
    {
        if (_pipConflict is not null)
        {
            findings.Add(new Finding(FindingKind.Dependency, "pip", null, null, null, "ResolutionImpossible", _pipConflict));
            _pipConflictReported = true;
        }

        (_pipConflict, _pipConflictDetail) = (null, false);
    }

    private static string Cap(string text) => text.Length > MaxMessage ? text[..MaxMessage] : text;

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
        else if (_npmCode == "EUSAGE" && _lockSync is null && text.Contains("can only install packages when your package.json and package-lock.json", StringComparison.Ordinal))
        {
            _lockSync = "package.json and package-lock.json are out of sync";
        }
        else if (_lockSync is not null && LockMismatch().IsMatch(text))
        {
            _lockSync = Cap(_lockSync.Contains(": ", StringComparison.Ordinal) ? $"{_lockSync}; {text}" : $"{_lockSync}: {text}");
        }
    }

    private void FlushNpm(FindingCollector findings)
    {
        if (_eresolve is not null)
        {
            findings.Add(new Finding(FindingKind.Dependency, "npm", null, null, null, "ERESOLVE", _eresolve.Length > MaxMessage ? _eresolve[..MaxMessage] : _eresolve));
        }

        if (_lockSync is not null)
        {
            findings.Add(new Finding(FindingKind.Dependency, "npm", "package-lock.json", null, null, "EUSAGE", _lockSync));
        }

        (_eresolve, _eresolveDetail, _lockSync) = (null, false, null);
    }

    [GeneratedRegex(@"^npm (?:ERR!|error)(?: (?<text>.*))?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Npm();

    [GeneratedRegex(@"^404\s+(?:The requested resource )?'(?<pkg>[^']{1,300})' (?:is not in this registry|could not be found)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NotFound();

    [GeneratedRegex(@"^\s*(?<file>[^\s:][^:]*?|[A-Za-z]:[^:]*?)\s*:\s*error (?<code>NU1(?:10[123]|605|608)): (?:Warning As Error: )?(?<msg>\S.*?)(?:\s+\[[^\]]+\.(?:sln|slnx|csproj|fsproj|vbproj|proj)\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NuGet();

    [GeneratedRegex(@":\s*error (?<code>NU1(?:10[123]|605|608)):\s{2,}(?<msg>\S.*?)(?:\s+\[[^\]]+\.(?:sln|slnx|csproj|fsproj|vbproj|proj)\])?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NuGetContinuation();

    [GeneratedRegex(@"^(?:Missing|Invalid): \S", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex LockMismatch();

    [GeneratedRegex(@"^ERROR: (?:Could not find a version that satisfies the requirement|No matching distribution found for) (?<req>\S{1,300})", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pip();
}
