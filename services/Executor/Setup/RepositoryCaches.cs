using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.Executor.Options;
using Agentic.Executor.Processes;
using Agentic.Executor.Sandbox;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Setup;

/// <summary>
/// The dependency caches of one repository on the host, under <see cref="SetupOptions.CacheRoot"/>/<c>{repository}</c>:
/// <c>npm/</c>, <c>nuget/</c> and <c>pip/</c> (the package managers' own caches, handed to the sandbox account: bound
/// read-write during setup, read-only for every other command) and <c>node_modules/{lockfile hash}/</c>, folders saved
/// after a successful install and copied into the next working copy with the same lockfile. The saved folders are the
/// Executor's (mode 0700 parents), never bound into a sandbox: a command cannot change what the next one gets.
/// </summary>
public sealed partial class RepositoryCaches(SandboxAccount account, ProcessRunner processes, IOptions<ExecutorOptions> options)
{
    private const UnixFileMode SearchableByAll =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public string Root => options.Value.Setup.CacheRoot is { Length: > 0 } configured
        ? configured
        : Path.Combine(options.Value.WorkspaceRoot, DependencyCaches.CachesFolder, "repositories");

    /// <summary>The repository's package-manager caches, created and handed to the sandbox account.</summary>
    public SandboxCaches For(string repository)
    {
        var folder = RepositoryFolder(repository);
        return new SandboxCaches(Shared(folder, "nuget"), Shared(folder, "npm"), Shared(folder, "pip"));
    }

    /// <summary>The repository's corepack home (the Yarn 2+ releases its <c>packageManager</c> pins), created and handed to the sandbox account.</summary>
    public string CorepackHome(string repository) => Shared(RepositoryFolder(repository), "corepack");

    /// <summary>Copies the saved <c>node_modules</c> for <paramref name="key"/> into <paramref name="target"/>; false when none is saved.</summary>
    public async Task<bool> TryRestoreNodeModulesAsync(string repository, string key, string target, CancellationToken cancellationToken)
    {
        var saved = Path.Combine(NodeModulesFolder(repository), key, "node_modules");
        if (!Directory.Exists(saved) || Directory.Exists(target))
        {
            return false;
        }

        Directory.SetLastWriteTimeUtc(Path.GetDirectoryName(saved)!, DateTime.UtcNow);
        return await CopyAsync(saved, target, cancellationToken);
    }

    /// <summary>Saves <paramref name="source"/> (a freshly installed <c>node_modules</c>) for <paramref name="key"/>; keeps the newest few.</summary>
    public async Task SaveNodeModulesAsync(string repository, string key, string source, CancellationToken cancellationToken)
    {
        var folder = NodeModulesFolder(repository);
        var final = Path.Combine(folder, key);
        if (Directory.Exists(final) || !Directory.Exists(source))
        {
            return;
        }

        var partial = Path.Combine(folder, $".{key}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(partial);
        if (await CopyAsync(source, Path.Combine(partial, "node_modules"), cancellationToken))
        {
            try
            {
                Directory.Move(partial, final);
            }
            catch (IOException)
            {
                // Another attempt saved the same lockfile first.
            }
        }

        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        var keep = options.Value.Setup.NodeModulesPerRepository;
        foreach (var old in new DirectoryInfo(folder).EnumerateDirectories().Where(d => !d.Name.StartsWith('.')).OrderByDescending(d => d.LastWriteTimeUtc).Skip(keep))
        {
            old.Delete(recursive: true);
        }
    }

    private string RepositoryFolder(string repository)
    {
        if (!SafeName().IsMatch(repository))
        {
            throw new ArgumentException($"'{repository}' is not a repository cache key.", nameof(repository));
        }

        var folder = Path.Combine(Root, repository);
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            // The sandbox account only passes through to its own caches.
            for (var current = folder; current.Length > 1 && current != Path.GetDirectoryName(Root); current = Path.GetDirectoryName(current)!)
            {
                var mode = File.GetUnixFileMode(current);
                if (!mode.HasFlag(UnixFileMode.OtherExecute))
                {
                    File.SetUnixFileMode(current, mode | UnixFileMode.OtherExecute);
                }
            }
        }

        return folder;
    }

    private string NodeModulesFolder(string repository)
    {
        var folder = Path.Combine(RepositoryFolder(repository), "node_modules");
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, OwnerOnly);
        }

        return folder;
    }

    private string Shared(string repositoryFolder, string name)
    {
        var path = Path.Combine(repositoryFolder, name);
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, SearchableByAll | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        account.GrantFolder(path);

        return path;
    }

    /// <summary><c>cp</c> keeps links as links and copies on write where the file system can; ownership becomes the Executor's.</summary>
    private async Task<bool> CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var result = await processes.RunAsync(new ProcessRequest
        {
            FileName = "cp",
            Arguments = ["-R", "-P", "--preserve=mode,timestamps,links", "--reflink=auto", "--", source, target],
            WorkingDirectory = Path.GetDirectoryName(source)!,
            Environment = SandboxRunner.WrapperEnvironment,
            InheritEnvironment = false,
            Timeout = TimeSpan.FromMinutes(5),
        }, cancellationToken);
        if (result.ExitCode != 0 && Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        return result.ExitCode == 0;
    }

    /// <summary>A content key: the lockfile's bytes and what else decides the installed tree.</summary>
    public static string Key(byte[] lockfile, IEnumerable<string> parts)
    {
        ArgumentNullException.ThrowIfNull(lockfile);
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(lockfile);
        foreach (var part in parts)
        {
            hash.AppendData([0]);
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(part));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32].ToString(CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex SafeName();
}
