using System.Text.RegularExpressions;

namespace Agentic.CommandDispatcher.Registries;

/// <summary>The package ecosystems whose registries are asked which versions exist.</summary>
public enum PackageEcosystem
{
    Npm,
    NuGet,
    PyPi,
}

/// <summary>
/// Package names read from a CI log are untrusted: each is checked against its ecosystem's own grammar before it becomes
/// one path segment of a registry URL (npm: validate-npm-package-name's rules for new packages, at most 214 characters,
/// lower case, one optional <c>@scope/</c>; NuGet: an id of letters, digits, '_' separated by '.' or '-', at most 100;
/// PyPI: PEP 508's name, normalised as PEP 503 says). Anything else is refused, never escaped into shape.
/// </summary>
public static partial class PackageNames
{
    /// <summary>The ecosystem of the analysis' tool (<c>npm</c>, <c>nuget</c>, <c>pip</c>), or null.</summary>
    public static PackageEcosystem? EcosystemOf(string? tool) => tool switch
    {
        "npm" or "pnpm" or "yarn" => PackageEcosystem.Npm,
        "nuget" => PackageEcosystem.NuGet,
        "pip" => PackageEcosystem.PyPi,
        _ => null,
    };

    public static bool IsValid(PackageEcosystem ecosystem, string? name) => name is not null && ecosystem switch
    {
        PackageEcosystem.Npm => name.Length <= 214 && Npm().IsMatch(name),
        PackageEcosystem.NuGet => name.Length <= 100 && NuGet().IsMatch(name),
        PackageEcosystem.PyPi => name.Length <= 200 && PyPi().IsMatch(name),
        _ => false,
    };

    /// <summary>
    /// The path of the name's metadata under the registry's root (the name checked first; null when invalid): npm
    /// <c>@scope%2fname</c>, NuGet <c>{lower-case id}/index.json</c>, PyPI <c>{normalised name}/json</c>.
    /// </summary>
    public static string? RelativePath(PackageEcosystem ecosystem, string name)
    {
        if (!IsValid(ecosystem, name))
        {
            return null;
        }

        return ecosystem switch
        {
            PackageEcosystem.Npm => name.Replace("/", "%2f", StringComparison.Ordinal),
            PackageEcosystem.NuGet => name.ToLowerInvariant() + "/index.json",
            _ => Separators().Replace(name, "-").ToLowerInvariant() + "/json",
        };
    }

    [GeneratedRegex(@"^(?:@[a-z0-9-~][a-z0-9-._~]*/)?[a-z0-9-~][a-z0-9-._~]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Npm();

    [GeneratedRegex(@"^[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NuGet();

    [GeneratedRegex(@"^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$", RegexOptions.CultureInvariant)]
    private static partial Regex PyPi();

    [GeneratedRegex("[-_.]+", RegexOptions.CultureInvariant)]
    private static partial Regex Separators();
}
