using Agentic.Executor.Sandbox;
using FluentValidation;

namespace Agentic.Executor.Options;

/// <summary>Where workspaces live, what the sandbox allows and how large a patch may be.</summary>
public sealed class ExecutorOptions
{
    public const string SectionName = "Executor";

    /// <summary>
    /// Mirrors (<c>mirrors/</c>) and per-attempt working copies (<c>work/</c>); default <c>/dev/shm/agentic-executor</c> where
    /// the machine has that tmpfs (checkouts are file-system bound: ~10x faster than disk here), else <c>$TMPDIR/agentic-executor</c>.
    /// Point it at a disk for very large repositories.
    /// </summary>
    public string WorkspaceRoot { get; set; } = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), "agentic-executor");

    /// <summary>Time allowed for one git operation on the host (clone, fetch).</summary>
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Time allowed for each validation command (build, test, lint).</summary>
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Used when an <c>ExecuteCommand</c> names no timeout.</summary>
    public TimeSpan DefaultCommandTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public SandboxOptions Sandbox { get; set; } = new();

    public PatchLimits Patch { get; set; } = new();

    public EgressOptions Egress { get; set; } = new();

    public SetupOptions Setup { get; set; } = new();
}

/// <summary>The setup phase's allowlisting egress proxy (see <see cref="Egress.EgressProxy"/>).</summary>
public sealed class EgressOptions
{
    /// <summary>
    /// The only destinations (<c>host:port</c>, names, never IP literals) a setup command may reach. Null: the package
    /// registries of <see cref="DefaultAllowedHosts"/>. A configured list replaces the defaults.
    /// </summary>
    public IReadOnlyList<string>? AllowedHosts { get; set; }

    /// <summary>npm (tarballs are on the registry host), yarn's mirror of it, NuGet (the flat container is on api.nuget.org), PyPI.</summary>
    public static IReadOnlyList<string> DefaultAllowedHosts { get; } =
    [
        "registry.npmjs.org:443",
        "registry.yarnpkg.com:443",
        "api.nuget.org:443",
        "pypi.org:443",
        "files.pythonhosted.org:443",
    ];

    /// <summary>The list in effect.</summary>
    public IReadOnlyList<string> EffectiveAllowedHosts => AllowedHosts ?? DefaultAllowedHosts;

    /// <summary>Largest request header accepted before the tunnel opens.</summary>
    public int MaxHeaderBytes { get; set; } = 8 * 1024;

    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for the DNS lookup and TCP connect to the destination.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>A tunnel with no bytes either way for this long is closed.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>The setup phase: installing a working copy's dependencies before anything else runs in it.</summary>
public sealed class SetupOptions
{
    /// <summary>Time allowed for each setup command, unless <c>.github/agentic.yml</c> says otherwise.</summary>
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Per repository and lockfile hash: npm cache, NuGet packages, pip cache and saved <c>node_modules</c>. Null:
    /// <c>{WorkspaceRoot}/caches/repositories</c>.
    /// </summary>
    public string? CacheRoot { get; set; }

    /// <summary>Saved <c>node_modules</c> folders kept per repository (least recently used are removed).</summary>
    public int NodeModulesPerRepository { get; set; } = 3;
}

/// <summary>Limits for every command run under bubblewrap.</summary>
public sealed class SandboxOptions
{
    public string BwrapPath { get; set; } = "bwrap";

    /// <summary>
    /// The unprivileged host account sandboxed commands run as when the Executor runs as root (it must exist; the
    /// Executor refuses to start otherwise). Without root, commands run as the Executor's own user.
    /// </summary>
    public string User { get; set; } = "agentic-sandbox";

    /// <summary>
    /// Host paths bound read-only at the same place inside the sandbox: the system (<c>/usr</c>, <c>/lib*</c>, the few
    /// files of <c>/etc</c> tools need) and the toolchains (the dotnet and node roots). Null: the detected defaults of
    /// <see cref="SandboxPaths.Defaults"/>. Nothing else of the host is visible but the workspace and the caches.
    /// </summary>
    public IReadOnlyList<string>? ReadOnlyPaths { get; set; }

    /// <summary>Memory of the whole process tree (cgroup <c>memory</c> limit); 0 = no limit.</summary>
    public long MemoryBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Processes and threads of the whole tree (cgroup <c>pids.max</c>); 0 = no limit.</summary>
    public int MaxProcesses { get; set; } = 512;

    /// <summary>Largest file a command may write (RLIMIT_FSIZE).</summary>
    public long MaxFileSizeBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Open files per process (RLIMIT_NOFILE).</summary>
    public int MaxOpenFiles { get; set; } = 4096;

    /// <summary>Output (stdout + stderr) a command may produce before it is killed.</summary>
    public long MaxOutputBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>The tail of the output kept in results.</summary>
    public int OutputTailBytes { get; set; } = 16 * 1024;

    /// <summary>Run as uid/gid 1000 inside a user namespace (root outside is not root inside).</summary>
    public bool UnshareUser { get; set; } = true;

    /// <summary>
    /// Scheduling niceness of sandboxed commands (0 to 19; 0 leaves it alone). Builds and test suites are the heavy
    /// work; at 10 they yield the CPU to the services, so the workflows around them keep moving on a busy host.
    /// </summary>
    public int Niceness { get; set; } = 10;

    /// <summary>
    /// Run sandboxed commands under <c>SCHED_IDLE</c> (<c>chrt --idle 0</c>): they still use every idle cycle, but a
    /// service that wants the CPU gets it at once, so builds on the same host never hold up webhooks, analyses, pushes
    /// and reports. Off: ordinary scheduling at <see cref="Niceness"/>.
    /// </summary>
    public bool IdleScheduling { get; set; } = true;

    /// <summary>cgroup v1 controllers (pids, memory) root, or a cgroup v2 mount; a child group is made per command when writable.</summary>
    public string CgroupRoot { get; set; } = "/sys/fs/cgroup";

    /// <summary>
    /// The host's NuGet global packages folder, bound read-only at <see cref="SandboxRunner.NuGetMount"/> (<c>NUGET_PACKAGES</c>
    /// inside) so restore works offline for the packages it holds. Null: <c>{WorkspaceRoot}/caches/nuget</c>, created mode
    /// 0755 (the sandbox account reads it, never writes it). As root, a folder the sandbox account cannot read (anything
    /// under <c>/root</c>) is left out with a warning at start. Fill it outside the sandbox with a trusted restore.
    /// </summary>
    public string? NuGetPackages { get; set; }

    /// <summary>
    /// The host's npm cache, bound read-only at <see cref="SandboxRunner.NpmMount"/> (<c>npm_config_cache</c>, offline).
    /// Null: <c>{WorkspaceRoot}/caches/npm</c>, created like <see cref="NuGetPackages"/>.
    /// </summary>
    public string? NpmCache { get; set; }
}

/// <summary>Patches over any of these caps are refused.</summary>
public sealed class PatchLimits
{
    public int MaxFilesChanged { get; set; } = 50;

    public int MaxLinesChanged { get; set; } = 2000;

    public long MaxBytes { get; set; } = 1024 * 1024;
}

public sealed class ExecutorOptionsValidator : AbstractValidator<ExecutorOptions>
{
    public ExecutorOptionsValidator()
    {
        RuleFor(o => o.WorkspaceRoot).NotEmpty().Must(Path.IsPathFullyQualified).WithMessage("must be an absolute path");
        RuleFor(o => o.WorkspaceRoot).Must(Egress.EgressProxy.SocketPathFits).When(o => Path.IsPathFullyQualified(o.WorkspaceRoot))
            .WithMessage($"is too long: the egress proxy's sockets live under it and a Unix socket path has at most {Egress.EgressProxy.MaxSocketPath} bytes (keep it under 80)");
        RuleFor(o => o.GitTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.ValidationTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.DefaultCommandTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.Sandbox.BwrapPath).NotEmpty();
        RuleFor(o => o.Sandbox.User).NotEmpty()
            .Must(user => !SandboxAccount.IsRoot || SandboxAccount.Find(user) is { UserId: > 0 })
            .WithMessage(o => SandboxAccount.MissingMessage(o.Sandbox.User));
        RuleForEach(o => o.Sandbox.ReadOnlyPaths).Must(Path.IsPathFullyQualified).WithMessage("must be absolute paths");
        RuleFor(o => o.Sandbox.NuGetPackages).Must(path => Path.IsPathFullyQualified(path!)).When(o => !string.IsNullOrEmpty(o.Sandbox.NuGetPackages)).WithMessage("must be an absolute path");
        RuleFor(o => o.Sandbox.NpmCache).Must(path => Path.IsPathFullyQualified(path!)).When(o => !string.IsNullOrEmpty(o.Sandbox.NpmCache)).WithMessage("must be an absolute path");
        RuleFor(o => o.Sandbox.MemoryBytes).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Sandbox.MaxProcesses).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Sandbox.MaxFileSizeBytes).GreaterThan(0);
        RuleFor(o => o.Sandbox.MaxOpenFiles).GreaterThan(0);
        RuleFor(o => o.Sandbox.Niceness).InclusiveBetween(0, 19);
        RuleFor(o => o.Sandbox.MaxOutputBytes).GreaterThan(0);
        RuleFor(o => o.Sandbox.OutputTailBytes).InclusiveBetween(256, 1024 * 1024);
        RuleFor(o => o.Patch.MaxFilesChanged).GreaterThan(0);
        RuleFor(o => o.Patch.MaxLinesChanged).GreaterThan(0);
        RuleFor(o => o.Patch.MaxBytes).GreaterThan(0);
        RuleForEach(o => o.Egress.AllowedHosts)
            .Must(h => h.LastIndexOf(':') is var i and > 0 && int.TryParse(h.AsSpan(i + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                       && port is >= 1 and <= 65535 && !System.Net.IPAddress.TryParse(h[..i].Trim('[', ']'), out _))
            .WithMessage("must be host:port with a host name (no IP literals)");
        RuleFor(o => o.Egress.MaxHeaderBytes).InclusiveBetween(1024, 64 * 1024);
        RuleFor(o => o.Egress.HeaderTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.Egress.ConnectTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.Egress.IdleTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.Setup.StepTimeout).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.Setup.CacheRoot).Must(path => Path.IsPathFullyQualified(path!)).When(o => !string.IsNullOrEmpty(o.Setup.CacheRoot)).WithMessage("must be an absolute path");
        RuleFor(o => o.Setup.NodeModulesPerRepository).GreaterThanOrEqualTo(0);
    }
}
