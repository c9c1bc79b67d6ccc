using System.Text.Json;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Executor.Setup;

/// <summary>Which yarn a folder's project asks for.</summary>
public enum YarnFlavour
{
    /// <summary>Yarn 1 (the machine's <c>yarn</c>): <c>--frozen-lockfile</c>, <c>--ignore-scripts</c>, <c>YARN_IGNORE_SCRIPTS</c>.</summary>
    Classic,

    /// <summary>Yarn 2+ named by <c>packageManager</c> (<c>yarn@4.9.2</c>): run through corepack, which fetches that version from the npm registry.</summary>
    Corepack,

    /// <summary>Yarn 2+ committed to the repository (<c>.yarnrc.yml</c> <c>yarnPath</c>): the machine's yarn hands over to it.</summary>
    Committed,
}

/// <summary>
/// What a yarn project's own files say about how to install it: <c>package.json</c> <c>packageManager</c>,
/// <c>.yarnrc.yml</c> (<c>yarnPath</c>, <c>nodeLinker</c>) and the lockfile's format (Yarn 2+ lockfiles start with
/// <c>__metadata:</c>). Read as data only, never run. <see cref="Problem"/> names what Agentic cannot install honestly:
/// Plug'n'Play (Yarn 2+'s default linker) leaves no <c>node_modules</c>, so the repository's tools would not resolve
/// the way the Executor runs them, and a Yarn 2+ lockfile without a way to know which Yarn.
/// </summary>
public sealed partial record YarnProject(YarnFlavour Flavour, string? Version, string? NodeLinker, string? Problem)
{
    public bool IsBerry => Flavour is not YarnFlavour.Classic;

    /// <summary>The project in <paramref name="folder"/>, or null when it has no <c>yarn.lock</c>.</summary>
    public static YarnProject? Read(string folder)
    {
        var lockfile = Path.Combine(folder, "yarn.lock");
        if (!File.Exists(lockfile))
        {
            return null;
        }

        var packageManager = PackageManager(Path.Combine(folder, "package.json"));
        var (yarnPath, nodeLinker) = YarnRc(Path.Combine(folder, ".yarnrc.yml"));
        var berryLockfile = File.ReadLines(lockfile).Take(10).Any(line => line.StartsWith("__metadata:", StringComparison.Ordinal));
        var version = packageManager is not null && PackageManagerSpec().Match(packageManager) is { Success: true } match ? match.Groups["version"].Value.Split('+')[0] : null;
        var major = version is not null && int.TryParse(version.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;

        YarnFlavour flavour;
        if (major >= 2)
        {
            flavour = YarnFlavour.Corepack;
        }
        else if (major is null && yarnPath is not null)
        {
            flavour = YarnFlavour.Committed;
        }
        else if (major is null && berryLockfile)
        {
            return new YarnProject(YarnFlavour.Corepack, null, nodeLinker,
                "the repository's yarn.lock is a Yarn 2+ lockfile, but neither package.json \"packageManager\" (e.g. \"yarn@4.9.2\") nor .yarnrc.yml \"yarnPath\" says which Yarn installs it");
        }
        else
        {
            return new YarnProject(YarnFlavour.Classic, version, null, null);
        }

        // Yarn 2+ links with Plug'n'Play unless .yarnrc.yml says otherwise.
        var linker = nodeLinker ?? "pnp";
        var problem = linker == "pnp"
            ? $"the repository uses Yarn {version ?? "2+"} Plug'n'Play (.yarnrc.yml nodeLinker: {(nodeLinker is null ? "not set, so pnp" : "pnp")}), which installs no node_modules; Agentic installs yarn repositories only with nodeLinker: node-modules (or pnpm), so nothing was installed"
            : null;
        return new YarnProject(flavour, version, linker, problem);
    }

    private static string? PackageManager(string packageJson)
    {
        if (!File.Exists(packageJson))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(packageJson));
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("packageManager", out var value)
                && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The top-level <c>yarnPath</c> and <c>nodeLinker</c> of a <c>.yarnrc.yml</c>; none when it is not a YAML mapping.</summary>
    private static (string? YarnPath, string? NodeLinker) YarnRc(string path)
    {
        if (!File.Exists(path) || new FileInfo(path).Length > 64 * 1024)
        {
            return (null, null);
        }

        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException)
        {
            return (null, null);
        }

        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlMappingNode root)
        {
            return (null, null);
        }

        return (Scalar("yarnPath"), Scalar("nodeLinker"));

        string? Scalar(string name) =>
            root.Children.TryGetValue(new YamlScalarNode(name), out var node) && node is YamlScalarNode { Value: { Length: > 0 } value } ? value : null;
    }

    [GeneratedRegex(@"^yarn@(?<version>\d+\.\d+\.\d+[\w.+-]*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex PackageManagerSpec();
}
