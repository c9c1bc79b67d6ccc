using Agentic.Executor.Options;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// The host's dependency caches sandboxed commands use read-only: <see cref="SandboxOptions.NuGetPackages"/> and
/// <see cref="SandboxOptions.NpmCache"/>, by default <c>{WorkspaceRoot}/caches/nuget</c> and <c>{WorkspaceRoot}/caches/npm</c>
/// (outside every working copy, which live under <c>work/</c>). The defaults are created owned by the Executor, mode
/// 0755: the sandbox account may read them, never write them. Filled outside the sandbox by a trusted restore (the
/// Executor never restores a pull request's code on the host: restore evaluates the project). A cache the sandbox
/// account cannot reach (e.g. under <c>/root</c>, mode 0700) is left out, and said once, naming the path and the fix.
/// </summary>
public sealed partial class DependencyCaches(SandboxAccount account, IOptions<ExecutorOptions> options, ILogger<DependencyCaches> logger)
{
    public const string CachesFolder = "caches";

    private const UnixFileMode ReadableByAll =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private readonly Lazy<SandboxCaches> _caches = new(() => Resolve(account, options.Value, logger));

    /// <summary>The caches bound into every sandbox (null: left out); resolved, created and checked once.</summary>
    public SandboxCaches Current => _caches.Value;

    /// <summary>The NuGet packages folder in effect: the configured one, else <c>{WorkspaceRoot}/caches/nuget</c>.</summary>
    public static string NuGetPath(ExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sandbox.NuGetPackages is { Length: > 0 } configured ? configured : Path.Combine(options.WorkspaceRoot, CachesFolder, "nuget");
    }

    /// <summary>The npm cache in effect: the configured one, else <c>{WorkspaceRoot}/caches/npm</c>.</summary>
    public static string NpmPath(ExecutorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sandbox.NpmCache is { Length: > 0 } configured ? configured : Path.Combine(options.WorkspaceRoot, CachesFolder, "npm");
    }

    private static SandboxCaches Resolve(SandboxAccount account, ExecutorOptions settings, ILogger logger)
    {
        return new SandboxCaches(
            Usable(NuGetPath(settings), settings.Sandbox.NuGetPackages is not { Length: > 0 }, "NuGetPackages"),
            Usable(NpmPath(settings), settings.Sandbox.NpmCache is not { Length: > 0 }, "NpmCache"));

        string? Usable(string path, bool isDefault, string setting)
        {
            if (isDefault)
            {
                CreateReadable(path, settings.WorkspaceRoot);
            }

            if (!Directory.Exists(path))
            {
                LogCacheMissing(logger, path, setting);
                return null;
            }

            if (account.Identity is null || SandboxRunner.ReadableByOthers(path))
            {
                return path;
            }

            LogCacheUnreachable(logger, path, account.Identity.Name, setting, Path.Combine(settings.WorkspaceRoot, CachesFolder, setting == "NuGetPackages" ? "nuget" : "npm"));
            return null;
        }
    }

    /// <summary>
    /// Creates the folder, mode 0755 (others read, only the Executor writes), and lets others search its parents up to
    /// <paramref name="root"/> (included), whatever the umask made them.
    /// </summary>
    private static void CreateReadable(string path, string root)
    {
        Directory.CreateDirectory(path);
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        File.SetUnixFileMode(full, ReadableByAll);
        var stop = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)));
        for (var current = Path.GetDirectoryName(full); !string.IsNullOrEmpty(current) && current != stop; current = Path.GetDirectoryName(current))
        {
            var mode = File.GetUnixFileMode(current);
            if (!mode.HasFlag(UnixFileMode.OtherExecute))
            {
                File.SetUnixFileMode(current, mode | UnixFileMode.OtherExecute);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "The dependency cache {Path} (Executor:Sandbox:{Setting}) is not readable by the sandbox account {Account}: sandboxed commands run without it. Fix: make it and its parent folders readable by others (chmod o+rx), or point Executor:Sandbox:{Setting} at a readable folder such as {Suggested}")]
    private static partial void LogCacheUnreachable(ILogger logger, string path, string account, string setting, string suggested);

    [LoggerMessage(2, LogLevel.Warning, "The dependency cache {Path} (Executor:Sandbox:{Setting}) does not exist: sandboxed commands run without it. Fix: create it readable by the sandbox account, or unset Executor:Sandbox:{Setting} to use the default under the workspace root")]
    private static partial void LogCacheMissing(ILogger logger, string path, string setting);
}

/// <summary>Resolves and checks the dependency caches when the Executor starts, so a misconfigured cache is said at once.</summary>
public sealed class DependencyCacheCheck(DependencyCaches caches) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = caches.Current;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
