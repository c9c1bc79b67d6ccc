using System.Globalization;
using Agentic.Executor.Options;
using Agentic.Executor.Processes;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Sandbox;

/// <summary>
/// Runs commands under bubblewrap: only the system, the toolchains and the caches visible (read-only), a fresh
/// <c>/tmp</c>, the workspace the only writable host folder, no network unless allowed, own PID/IPC/UTS (and user)
/// namespaces, and limits: wall time (the tree is killed), output bytes, file size and open files (rlimits), and
/// processes and memory through a per-command cgroup when the cgroup file system is writable. The whole chain
/// (sh, prlimit, chrt, nice, setpriv, bwrap) starts from an explicit minimal environment, since bubblewrap's own
/// process is PID 1 inside and its environment is readable there; as root it runs as the unprivileged
/// <see cref="SandboxAccount"/>. Output is scrubbed of the service's secrets.
/// </summary>
public sealed partial class SandboxRunner(
    ProcessRunner runner,
    CgroupLimits cgroups,
    SandboxAccount account,
    DependencyCaches dependencyCaches,
    SandboxProfiles profiles,
    SecretScrubber scrubber,
    IOptions<ExecutorOptions> options,
    ILogger<SandboxRunner> logger)
{
    public const string WorkspaceMount = "/tmp/ws";
    public const string Home = "/tmp/home";
    public const string NuGetMount = "/tmp/nuget-packages";
    public const string NpmMount = "/tmp/npm-cache";
    public const string PipMount = "/tmp/pip-cache";
    public const string CorepackMount = "/tmp/corepack";

    /// <summary>Holds <c>yarn</c> and <c>yarnpkg</c>, links to corepack's own shims, first on the path when corepack is in use.</summary>
    public const string CorepackBin = "/tmp/corepack-bin";

    /// <summary>Where the egress proxy's socket appears inside the sandbox.</summary>
    public const string EgressMount = "/tmp/egress.sock";

    /// <summary>The loopback port the bridge to the egress proxy listens on inside the sandbox (its own network namespace).</summary>
    public const int ProxyPort = 3128;

    /// <summary>
    /// Starts the bridge (socat, loopback port → the proxy's socket) in the background, waits until it listens (its line
    /// in <c>/proc/net/tcp</c>: 127.0.0.1:3128 = 0100007F:0C38, state 0A), then becomes the command. A fixed script:
    /// the command is passed as arguments, never interpolated.
    /// </summary>
    public const string BridgeScript =
        "socat TCP-LISTEN:3128,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:/tmp/egress.sock 2>/dev/null &\n" +
        "i=0; until grep -q ' 0100007F:0C38 00000000:0000 0A' /proc/net/tcp; do i=$((i+1)); " +
        "if [ $i -gt 500 ]; then echo 'agentic: the egress bridge (socat) did not start' >&2; exit 125; fi; sleep 0.01; done\n" +
        "exec \"$@\"";
    public const string SandboxPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The only variables a command may add to its environment.</summary>
    public static readonly IReadOnlySet<string> AllowedVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "CI", "NODE_ENV", "DOTNET_CONFIGURATION", "npm_config_offline", "npm_config_ignore_scripts", "YARN_ENABLE_SCRIPTS", "YARN_IGNORE_SCRIPTS", "YARN_CACHE_FOLDER", "NuGetAudit",
    };

    /// <summary>All the wrapper programs and bubblewrap get: no variable of the service's own environment.</summary>
    public static readonly IReadOnlyDictionary<string, string?> WrapperEnvironment = new Dictionary<string, string?>(StringComparer.Ordinal)
    {
        ["PATH"] = SandboxPath,
        ["LANG"] = "C.UTF-8",
    };

    private readonly Lazy<IReadOnlyList<string>> _systemPaths = new(() => SandboxPaths.Normalize(options.Value.Sandbox.ReadOnlyPaths ?? SandboxPaths.Defaults()));
    private string? _bwrap;
    private string? _etc;

    public async Task<SandboxResult> RunAsync(SandboxRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Arguments.Count == 0)
        {
            throw new ArgumentException("A command needs at least a program name.", nameof(request));
        }

        var settings = options.Value.Sandbox;
        var bwrap = _bwrap ??= FindBwrap(settings.BwrapPath);
        var etc = _etc ??= WriteAccountFiles(options.Value.WorkspaceRoot);
        account.GrantWorkspace(request.Workspace);
        var profile = profiles.Find(request.Workspace);
        var caches = request.Caches ?? profile?.Caches ?? dependencyCaches.Current;
        var repositoryEnvironment = new Dictionary<string, string>(profile?.Environment ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (name, value) in request.RepositoryEnvironment)
        {
            repositoryEnvironment[name] = value;
        }

        var argv = BuildBwrapArguments(request, settings, _systemPaths.Value, etc, caches, repositoryEnvironment);
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

        if (account.Identity is { } identity)
        {
            // Last before bubblewrap: the limits and the priority are set as root, the sandbox starts as the account.
            wrapper.AddRange(
            [
                "setpriv",
                "--reuid=" + identity.UserId.ToString(CultureInfo.InvariantCulture),
                "--regid=" + identity.GroupId.ToString(CultureInfo.InvariantCulture),
                "--clear-groups",
                "--",
            ]);
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
            Environment = WrapperEnvironment,
            InheritEnvironment = false,
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
            OutputTail = scrubber.Scrub(result.OutputTail),
        };
    }

    /// <summary>
    /// The bubblewrap arguments for <paramref name="request"/> (public for tests and documentation): a read-only root
    /// holding only <paramref name="systemPaths"/>, <paramref name="etcDirectory"/>'s <c>passwd</c> and <c>group</c>,
    /// the <paramref name="caches"/> and the request's own read-only paths; the workspace read-write.
    /// </summary>
    public static List<string> BuildBwrapArguments(
        SandboxRequest request,
        SandboxOptions settings,
        IReadOnlyList<string> systemPaths,
        string? etcDirectory = null,
        SandboxCaches? caches = null,
        IReadOnlyDictionary<string, string>? repositoryEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(systemPaths);
        var argv = new List<string>();
        argv.AddRange(SandboxPaths.BindArguments(systemPaths));
        if (etcDirectory is not null)
        {
            argv.AddRange(["--ro-bind", Path.Combine(etcDirectory, "passwd"), "/etc/passwd", "--ro-bind", Path.Combine(etcDirectory, "group"), "/etc/group"]);
        }

        argv.AddRange(["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]);
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
            ["YARN_ENABLE_TELEMETRY"] = "0",
        };
        // Repository variables first: the sandbox's own settings below win over them.
        foreach (var (name, value) in repositoryEnvironment ?? new Dictionary<string, string>())
        {
            if (RepositoryConfig.RepositoryEnvironment.Problem(name, value) is { } problem)
            {
                throw new ArgumentException(problem, nameof(repositoryEnvironment));
            }

            environment[name] = value;
        }

        if (File.Exists(SystemCertificates))
        {
            // Node's TLS trusts its own bundled authorities only; npm and yarn 1 read the machine's through /etc/npmrc, but
            // corepack and Yarn 2+ do not: the sandbox trusts what the machine trusts (e.g. a registry mirror's authority).
            environment["NODE_EXTRA_CA_CERTS"] = SystemCertificates;
        }

        var bind = request.WritableCaches ? "--bind" : "--ro-bind";
        if (caches?.NuGetPackages is { } nuget)
        {
            argv.AddRange([bind, nuget, NuGetMount]);
            environment["NUGET_PACKAGES"] = NuGetMount;
        }

        if (caches?.NpmCache is { } npm)
        {
            argv.AddRange([bind, npm, NpmMount]);
            environment["npm_config_cache"] = NpmMount;
            if (request.EgressSocket is null)
            {
                environment["npm_config_offline"] = "true";
            }
            else
            {
                environment["npm_config_prefer_offline"] = "true";
            }
        }

        if (caches?.PipCache is { } pip)
        {
            argv.AddRange([bind, pip, PipMount]);
            environment["PIP_CACHE_DIR"] = PipMount;
            environment["PIP_DISABLE_PIP_VERSION_CHECK"] = "1";
            if (request.EgressSocket is null)
            {
                environment["PIP_NO_INDEX"] = "1";
            }
        }

        if (caches?.Corepack is { } corepack && CorepackShims() is { } shims)
        {
            argv.AddRange([bind, corepack, CorepackMount]);
            foreach (var name in (string[])["yarn", "yarnpkg"])
            {
                argv.AddRange(["--symlink", Path.Combine(shims, name + ".js"), $"{CorepackBin}/{name}"]);
            }

            environment["PATH"] = $"{CorepackBin}:{SandboxPath}";
            environment["COREPACK_HOME"] = CorepackMount;
            // The Yarn 2+ releases from the npm registry (@yarnpkg/cli-dist), not repo.yarnpkg.com; never a prompt, never
            // an edit of package.json, never a look-up of the latest version.
            environment["COREPACK_NPM_REGISTRY"] = "https://registry.npmjs.org";
            environment["COREPACK_ENABLE_DOWNLOAD_PROMPT"] = "0";
            environment["COREPACK_ENABLE_AUTO_PIN"] = "0";
            environment["COREPACK_DEFAULT_TO_LATEST"] = "0";
            if (request.EgressSocket is null)
            {
                environment["COREPACK_ENABLE_NETWORK"] = "0";
            }
        }

        if (request.EgressSocket is { } socket)
        {
            argv.AddRange(["--bind", socket, EgressMount]);
            var proxy = $"http://127.0.0.1:{ProxyPort.ToString(CultureInfo.InvariantCulture)}";
            foreach (var name in (string[])["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy", "npm_config_proxy", "npm_config_https_proxy"])
            {
                environment[name] = proxy;
            }

            environment["NO_PROXY"] = environment["no_proxy"] = string.Empty;
            // Yarn 2+ reads its own settings only.
            environment["YARN_HTTPS_PROXY"] = environment["YARN_HTTP_PROXY"] = proxy;
        }

        foreach (var (name, value) in request.Environment)
        {
            if (!AllowedVariables.Contains(name))
            {
                throw new ArgumentException($"Environment variable '{name}' is not allowed in the sandbox.", nameof(request));
            }

            environment[name] = value;
        }

        // Everything is mounted: the root itself (bubblewrap's tmpfs holding the mount points) becomes read-only.
        argv.AddRange(["--remount-ro", "/"]);
        // Always a network namespace of its own (loopback only); setup reaches the proxy through the bound socket.
        argv.AddRange(["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--hostname", "sandbox"]);
        if (settings.UnshareUser)
        {
            argv.AddRange(["--unshare-user", "--uid", SandboxUserId, "--gid", SandboxUserId]);
        }

        argv.AddRange(["--die-with-parent", "--new-session", "--clearenv"]);
        foreach (var (name, value) in environment)
        {
            argv.AddRange(["--setenv", name, value]);
        }

        argv.AddRange(["--chdir", WorkspaceMount, "--"]);
        if (request.EgressSocket is not null)
        {
            argv.AddRange(["/bin/sh", "-c", BridgeScript, "agentic-egress"]);
        }

        argv.AddRange(request.Arguments);
        return argv;
    }

    private const string SandboxUserId = "1000";

    /// <summary>Debian's bundle of the machine's certificate authorities (under <c>/etc/ssl</c>, which the sandbox sees).</summary>
    private const string SystemCertificates = "/etc/ssl/certs/ca-certificates.crt";

    private static readonly Lazy<string?> CorepackShimsFolder = new(FindCorepackShims);

    /// <summary>
    /// The folder of corepack's <c>yarn.js</c> shim (where the <c>corepack</c> on the sandbox's path points), or null
    /// without corepack; looked up once per process, not at every sandboxed command.
    /// </summary>
    public static string? CorepackShims() => CorepackShimsFolder.Value;

    private static string? FindCorepackShims()
    {
        foreach (var directory in SandboxPath.Split(':'))
        {
            var candidate = new FileInfo(Path.Combine(directory, "corepack"));
            if (!candidate.Exists)
            {
                continue;
            }

            var target = candidate.LinkTarget is null ? candidate : candidate.ResolveLinkTarget(returnFinalTarget: true) as FileInfo;
            if (target?.DirectoryName is { } folder && File.Exists(Path.Combine(folder, "yarn.js")))
            {
                return folder;
            }
        }

        return null;
    }

    /// <summary>
    /// A minimal <c>/etc/passwd</c> and <c>/etc/group</c> (root and the sandbox user), written once under the
    /// workspace root: tools that look their user up find one, and the host's accounts stay unseen.
    /// </summary>
    private static string WriteAccountFiles(string workspaceRoot)
    {
        var directory = Path.Combine(workspaceRoot, "sandbox-etc");
        Directory.CreateDirectory(directory);
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The sandbox runs on Linux only.");
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        Write("passwd", $"root:x:0:0:root:/root:/usr/sbin/nologin\nsandbox:x:{SandboxUserId}:{SandboxUserId}:sandbox:{Home}:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Write("group", $"root:x:0:\nsandbox:x:{SandboxUserId}:\nnogroup:x:65534:\n");
        return directory;

        void Write(string name, string content)
        {
            var path = Path.Combine(directory, name);
            var partial = $"{path}.{Guid.NewGuid():N}";
            File.WriteAllText(partial, content);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(partial, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            }

            File.Move(partial, path, overwrite: true);
        }
    }

    /// <summary>Every folder from the root down is searchable by others and the last one readable (permission bits only).</summary>
    internal static bool ReadableByOthers(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        var full = Path.GetFullPath(path);
        for (var current = full; !string.IsNullOrEmpty(current); current = Path.GetDirectoryName(current))
        {
            var mode = File.GetUnixFileMode(current);
            if (!mode.HasFlag(UnixFileMode.OtherExecute) || (current == full && !mode.HasFlag(UnixFileMode.OtherRead)))
            {
                return false;
            }
        }

        return true;
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
