using System.Text.RegularExpressions;
using Agentic.CheckAnalyzer.Parsers;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>
/// The package a resolution finding names, as the package manager printed it (<c>is-odd</c> from npm's
/// <c>No matching version found for is-odd@9.9.9</c>, <c>Contoso.Payments</c> from NuGet's <c>Unable to find package
/// Contoso.Payments</c>, <c>requests</c> from pip's <c>No matching distribution found for requests==99</c>). Untrusted log
/// text: the Command Dispatcher checks each name against its ecosystem's grammar before it reaches a registry URL.
/// </summary>
public static partial class DependencyPackages
{
    public const int MaxPackages = 5;

    /// <summary>The distinct names the dependency findings name, at most <see cref="MaxPackages"/>.</summary>
    public static IReadOnlyList<string> From(IEnumerable<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        return [.. findings.Where(f => f.Kind == FindingKind.Dependency).Select(Name).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxPackages)];
    }

    /// <summary>The package one finding names, or null.</summary>
    public static string? Name(Finding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var match = finding.Tool switch
        {
            "npm" => Npm().Match(finding.Message),
            "nuget" => NuGet().Match(finding.Message),
            "pip" => Pip().Match(finding.Message),
            _ => Match.Empty,
        };
        return match.Success && match.Groups["name"].Value.Length is > 0 and <= 214 ? match.Groups["name"].Value : null;
    }

    // "No matching version found for is-odd@9.9.9" / "'@acme/left-padd@^1.0.0' is not in the registry": the name is all before the last '@'.
    [GeneratedRegex(@"(?:No matching version found for |^')(?<name>@?[^@\s']+)@", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Npm();

    // "Unable to find package Contoso.Payments with version (>= 9.0.0)", "Unable to find a stable package X with version ...".
    [GeneratedRegex(@"Unable to find (?:a stable )?package '?(?<name>[A-Za-z0-9_][A-Za-z0-9_.-]*?)'?(?:\.\s|\s|\.?$)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex NuGet();

    // "Could not find a version that satisfies the requirement requests==99 (from versions: ...)", "No matching distribution found for requests==99".
    [GeneratedRegex(@"(?:satisfies the requirement|No matching distribution found for) (?<name>[A-Za-z0-9][A-Za-z0-9._-]*)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Pip();
}
