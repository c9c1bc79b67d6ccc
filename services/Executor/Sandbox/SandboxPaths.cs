namespace Agentic.Executor.Sandbox;

/// <summary>
/// What of the host a sandboxed command sees, read-only: the system's programs and libraries, the few files of
/// <c>/etc</c> that tools read (certificates, name resolution, alternatives) and the toolchains wherever they are
/// installed. Not <c>/</c>: the host's other files (the services' settings, keys, homes, other workspaces) are simply
/// not there.
/// </summary>
public static class SandboxPaths
{
    /// <summary>Merged-/usr symbolic links (<c>/bin</c> → <c>usr/bin</c>) are recreated as links; real folders are bound.</summary>
    public static IReadOnlyList<string> System { get; } =
    [
        "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32",
        "/etc/ssl", "/etc/ca-certificates", "/etc/ca-certificates.conf", "/etc/pki", "/etc/alternatives",
        "/etc/resolv.conf", "/etc/hosts", "/etc/host.conf", "/etc/nsswitch.conf", "/etc/gai.conf", "/etc/localtime",
        "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/mime.types", "/etc/gitconfig",
    ];

    /// <summary>
    /// <see cref="System"/> plus the toolchain roots outside it: where <c>dotnet</c> and <c>node</c> resolve on the
    /// Executor's PATH (e.g. <c>/usr/share/dotnet</c>, already under <c>/usr</c>; <c>/opt/dotnet</c>) and <c>DOTNET_ROOT</c>.
    /// Only paths that exist.
    /// </summary>
    public static IReadOnlyList<string> Defaults()
    {
        var paths = new List<string>(System);
        foreach (var program in (string[])["dotnet", "node"])
        {
            if (Resolve(program) is { } resolved && Path.GetDirectoryName(resolved) is { } directory)
            {
                // node lives in <root>/bin/node with its modules in <root>/lib; dotnet in <root>/dotnet.
                var root = program == "node" && Path.GetFileName(directory) == "bin" ? Path.GetDirectoryName(directory)! : directory;
                paths.Add(root);
            }
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && Path.IsPathFullyQualified(dotnetRoot))
        {
            paths.Add(dotnetRoot);
        }

        return Normalize(paths);
    }

    /// <summary>Existing, absolute, without duplicates or paths already inside another one (bound once, at its own place).</summary>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var existing = paths
            .Where(Path.IsPathFullyQualified)
            .Select(p => Path.TrimEndingDirectorySeparator(Path.GetFullPath(p)))
            .Where(p => p != "/" && (Directory.Exists(p) || File.Exists(p)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return [.. existing.Where(p => !existing.Any(other => other != p && !IsLink(other) && p.StartsWith(other + "/", StringComparison.Ordinal)))];
    }

    /// <summary>bubblewrap arguments that make <paramref name="paths"/> visible read-only at the same place.</summary>
    public static IEnumerable<string> BindArguments(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is { } target && Path.GetDirectoryName(path) == "/" && !target.StartsWith('/'))
            {
                // /bin -> usr/bin on a merged-/usr system.
                yield return "--symlink";
                yield return target;
                yield return path;
            }
            else
            {
                // A link elsewhere (e.g. /etc/resolv.conf -> /run/...) is bound as what it points to.
                var source = info.LinkTarget is null ? path : (info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
                yield return "--ro-bind-try";
                yield return source;
                yield return path;
            }
        }
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static string? Resolve(string program)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, program);
            if (File.Exists(candidate))
            {
                var final = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true);
                return final?.FullName ?? Path.GetFullPath(candidate);
            }
        }

        return null;
    }
}
