using System.Globalization;
using Agentic.Executor.Options;
using Agentic.Executor.Processes;
using Agentic.Git;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// Runs commands under bubblewrap: the host read-only, a fresh <c>/tmp</c>, the workspace the only writable host
/// folder, no network unless allowed, own PID/IPC/UTS (and user) namespaces, an empty environment but for an
/// allow-list, and limits: wall time (the tree is killed), output bytes, file size and open files (rlimits), and
/// processes and memory through a per-command cgroup when the cgroup file system is writable.
/// </summary>
public sealed partial class SandboxRunner(ProcessRunner runner, CgroupLimits cgroups, IOptions<ExecutorOptions> options, ILogger<SandboxRunner> logger)
{
    public const string WorkspaceMount = "/tmp/ws";
    public const string Home = "/tmp/home";
    public const string NuGetMount = "/tmp/nuget-packages";
    public const string NpmMount = "/tmp/npm-cache";
    public const string SandboxPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The only variables a command may add to its environment.</summary>
    public static readonly IReadOnlySet<string> AllowedVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "CI", "NODE_ENV", "DOTNET_CONFIGURATION", "npm_config_offline",
    };

    private string? _bwrap;

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Arguments.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(request));
        }

        var settings = options.Value.Sandbox;
        var bwrap = _bwrap ??= FindBwrap(settings.BwrapPath);
        var argv = BuildBwrapArguments(request, settings, options.Value.WorkspaceRoot);
        var wrapper = new List<string>
        {
            "--fsize=" + settings.MaxFileSizeBytes.ToString(CultureInfo.InvariantCulture),
            "--nofile=" + settings.MaxOpenFiles.ToString(CultureInfo.InvariantCulture),
            "--core=0",
            "--",
        };
        if (settings.IdleScheduling)
        {
            wrapper.AddRange(["chrt", "--idle", "0"]);
        }

        if (settings.Niceness > 0)
        {
            wrapper.AddRange(["nice", "-n", settings.Niceness.ToString(CultureInfo.InvariantCulture)]);
        }

        wrapper.Add(bwrap);
        wrapper.AddRange(argv);

        using var group = cgroups.Create(settings.MemoryBytes, settings.MaxProcesses);
        string fileName;
        List<string> arguments;
        if (group.ProcsFiles.Count > 0)
        {
            // Join the cgroup before anything forks: a fixed script moves itself, then execs prlimit (no interpolation).
            fileName = "/bin/sh";
            arguments = ["-c", "for f in \"$@\"; do [ \"$f\" = -- ] && break; echo $$ > \"$f\" || exit 125; shift; done; shift; exec \"$@\"", "agentic-sandbox"];
            arguments.AddRange(group.ProcsFiles);
            arguments.Add("--");
            arguments.Add("prlimit");
            arguments.AddRange(wrapper);
        }
        else
        {
            fileName = "prlimit";
            arguments = wrapper;
        }

        var result = await runner.RunAsync(new ProcessRequest
        {
            FileName = fileName,
            Arguments = arguments,
            WorkingDirectory = request.Workspace,
            Environment = new Dictionary<string, string?>(),
            Timeout = request.Timeout,
            MaxOutputBytes = settings.MaxOutputBytes,
            TailBytes = settings.OutputTailBytes,
        }, cancellationToken);
        group.KillAll();

        LogRan(logger, request.Arguments[0], result.ExitCode, result.Duration.TotalMilliseconds, result.TimedOut, result.OutputLimitExceeded);
        return new SandboxResult
        {
            ExitCode = result.ExitCode,
            Duration = result.Duration,
            TimedOut = result.TimedOut,
            OutputLimitExceeded = result.OutputLimitExceeded,
            OutputTail = OutputScrubber.Scrub(result.OutputTail),
        };
    }

    /// <summary>The bubblewrap arguments for <paramref name="request"/> (public for tests and documentation).</summary>
    public static List<string> BuildBwrapArguments(SandboxRequest request, SandboxOptions settings, string? workspaceRoot = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        var argv = new List<string>
        {
            "--ro-bind", "/", "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--tmpfs", "/tmp",
        };

        // Hide what the host keeps for itself: the service's home (tokens, config) and other workspaces and mirrors.
        var hostHome = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        foreach (var hidden in new[] { hostHome, workspaceRoot })
        {
            if (!string.IsNullOrEmpty(hidden) && hidden != "/" && Directory.Exists(hidden) && !hidden.StartsWith("/tmp/", StringComparison.Ordinal))
            {
                argv.AddRange(["--tmpfs", hidden]);
            }
        }

        foreach (var path in request.ReadOnlyPaths)
        {
            argv.AddRange(["--ro-bind", path, path]);
        }

        argv.AddRange(["--bind", request.Workspace, WorkspaceMount, "--dir", Home]);

        // The repository metadata stays read-only: host-side git reads it after the command (hooks, fsmonitor, filters).
        var gitDirectory = Path.Combine(request.Workspace, ".git");
        if (Directory.Exists(gitDirectory))
        {
            argv.AddRange(["--ro-bind", gitDirectory, WorkspaceMount + "/.git"]);
        }

        var environment = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = SandboxPath,
            ["HOME"] = Home,
            ["LANG"] = "C.UTF-8",
            ["TMPDIR"] = "/tmp",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_CLI_HOME"] = Home,
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1",
            ["UseSharedCompilation"] = "false",
            ["NO_UPDATE_NOTIFIER"] = "1",
        };
        if (settings.NuGetPackages is { Length: > 0 } nuget && Directory.Exists(nuget))
        {
            argv.AddRange(["--ro-bind", nuget, NuGetMount]);
            environment["NUGET_PACKAGES"] = NuGetMount;
        }

        if (settings.NpmCache is { Length: > 0 } npm && Directory.Exists(npm))
        {
            argv.AddRange(["--ro-bind", npm, NpmMount]);
            environment["npm_config_cache"] = NpmMount;
            environment["npm_config_offline"] = "true";
        }

        foreach (var (name, value) in request.Environment)
        {
            if (!AllowedVariables.Contains(name))
            {
                throw new ArgumentException($"Environment variable '{name}' is not allowed in the sandbox.", nameof(request));
            }

            environment[name] = value;
        }

        if (!request.AllowNetwork)
        {
            argv.Add("--unshare-net");
        }

        argv.AddRange(["--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]);
        if (settings.UnshareUser)
        {
            argv.AddRange(["--unshare-user", "--uid", "1000", "--gid", "1000"]);
        }

        argv.AddRange(["--die-with-parent", "--new-session", "--clearenv"]);
        foreach (var (name, value) in environment)
        {
            argv.AddRange(["--setenv", name, value]);
        }

        argv.AddRange(["--chdir", WorkspaceMount, "--"]);
        argv.AddRange(request.Arguments);
        return argv;
    }

    private static string FindBwrap(string configured)
    {
        if (Path.IsPathRooted(configured))
        {
            return File.Exists(configured) ? configured : throw Missing();
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? SandboxPath).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, configured);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw Missing();

        static SandboxUnavailableException Missing() =>
            new("bubblewrap (bwrap) is not installed: apt-get install -y bubblewrap");
    }

    [LoggerMessage(1, LogLevel.Debug, "Sandboxed {Program}: exit {ExitCode} in {ElapsedMs:0} ms (timed out {TimedOut}, output capped {Capped})")]
    private static partial void LogRan(ILogger logger, string program, int exitCode, double elapsedMs, bool timedOut, bool capped);
}
