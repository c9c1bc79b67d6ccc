using System.Diagnostics;
using System.Globalization;
using System.Text;
using Agentic.Contracts.Execution;
using Agentic.Executor.Egress;
using Agentic.Executor.Options;
using Agentic.Executor.Reproduction;
using Agentic.Executor.Sandbox;
using Agentic.Git;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Setup;

/// <summary>What to install in one working copy.</summary>
public sealed record SetupRequest
{
    /// <summary>The working copy (host path).</summary>
    public required string Workspace { get; init; }

    /// <summary>Names the repository's caches (e.g. its GitHub id): letters, digits, '.', '_' and '-'.</summary>
    public required string Repository { get; init; }

    /// <summary>The steps to run (the CI job's install steps, or <c>.github/agentic.yml</c> <c>setup</c>); null: detected.</summary>
    public IReadOnlyList<SetupStep>? Steps { get; init; }

    /// <summary>Run before <see cref="Steps"/>, with the same network: e.g. a lockfile regenerated from a changed manifest.</summary>
    public IReadOnlyList<SetupStep> Prepare { get; init; } = [];

    public bool AllowLifecycleScripts { get; init; }

    /// <summary>The repository's non-secret variables (checked against <see cref="RepositoryConfig.RepositoryEnvironment"/>), for setup and every later command.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Extra host folders visible read-only (the mirror a shared clone borrows from).</summary>
    public IReadOnlyList<string> ReadOnlyPaths { get; init; } = [];

    /// <summary>Time per step; null: <see cref="SetupOptions.StepTimeout"/>.</summary>
    public TimeSpan? StepTimeout { get; init; }
}

/// <summary>
/// How setup went: one <see cref="ValidationStep"/> (kind <c>setup</c>) per step, the egress proxy's record of the run,
/// and on failure an error naming the install command with the tail of its output. Disposing it ends the working copy's
/// <see cref="SandboxProfile"/> (its caches and variables); keep it until the working copy is done with.
/// </summary>
public sealed class SetupResult(bool succeeded, IReadOnlyList<ValidationStep> steps, IReadOnlyList<EgressTunnel> tunnels, string? error, IDisposable? profile) : IDisposable
{
    public bool Succeeded { get; } = succeeded;

    public IReadOnlyList<ValidationStep> Steps { get; } = steps;

    /// <summary>Every tunnel asked through the proxy during this setup (allowed or refused).</summary>
    public IReadOnlyList<EgressTunnel> Tunnels { get; } = tunnels;

    public string? Error { get; } = error;

    public void Dispose() => profile?.Dispose();
}

/// <summary>
/// The setup phase: installs a working copy's dependencies in the sandbox, before the library command and validation.
/// Each step runs with registry-only network (its own network namespace; the egress proxy's socket bound in; nothing but
/// <see cref="EgressOptions.AllowedHosts"/> reachable) and the repository's caches writable; afterwards every command in
/// the working copy sees those caches read-only and has no network at all. A <c>node_modules</c> installed from a
/// lockfile is saved and, for the same lockfile, copied into the next working copy instead of installing again.
/// </summary>
public sealed partial class SetupPhase(
    SandboxRunner sandbox,
    SandboxProfiles profiles,
    RepositoryCaches caches,
    EgressProxy proxy,
    GitCli git,
    ToolchainProbe toolchains,
    IOptions<ExecutorOptions> options,
    ILogger<SetupPhase> logger)
{
    public const string Kind = "setup";

    private static readonly string[] NodeLockfiles = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock"];

    public async Task<SetupResult> RunAsync(SetupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<SetupStep> steps = [.. request.Prepare, .. request.Steps ?? SetupDetector.Detect(request.Workspace, request.AllowLifecycleScripts)];
        var repositoryCaches = caches.For(request.Repository);
        if (UsesCorepack(request.Workspace, steps))
        {
            repositoryCaches = repositoryCaches with { Corepack = caches.CorepackHome(request.Repository) };
        }

        var installed = await toolchains.GetAsync(cancellationToken);
        var timeout = request.StepTimeout ?? options.Value.Setup.StepTimeout;
        var reported = new List<ValidationStep>();
        var tunnels = new List<EgressTunnel>();
        var profile = profiles.Assign(request.Workspace, new SandboxProfile(repositoryCaches, request.Environment));
        try
        {
            foreach (var declared in steps)
            {
                var step = declared;
                var directory = WorkingDirectory(request.Workspace, step.WorkingDirectory);
                if (directory is null)
                {
                    return Failed($"setup step '{step.Name}': working directory '{step.WorkingDirectory}' is not a folder inside the repository");
                }

                if (step.Arguments.Count == 0)
                {
                    return Failed($"setup step '{step.Name}' has no command");
                }

                if (step.Environment.Select(e => RepositoryConfig.RepositoryEnvironment.Problem(e.Key, e.Value)).FirstOrDefault(p => p is not null) is { } variable)
                {
                    return Failed($"setup step '{step.Name}': {variable}");
                }

                var yarn = step.Arguments[0] == "yarn" ? YarnProject.Read(directory.Host) : null;
                if (yarn?.Problem is { } unsupported)
                {
                    return Failed($"setup failed: {unsupported} (no change was tried)");
                }

                var missing = yarn?.Flavour == YarnFlavour.Corepack
                    ? SandboxRunner.CorepackShims() is null
                        ? $"corepack is not installed on this machine (the repository pins Yarn {yarn.Version} in package.json \"packageManager\", which corepack fetches; it comes with Node.js up to 24, else: npm install -g corepack)"
                        : null
                    : MissingProgram(step.Arguments[0]);
                if (missing is not null)
                {
                    return Failed($"setup failed: {missing}, so `{RepositoryConfig.CommandLine.Join(step.Arguments)}` cannot run (no change was tried)");
                }

                if (yarn is { IsBerry: true } && !request.AllowLifecycleScripts && IsYarnInstall(step.Arguments) && !step.Arguments.Any(a => a.StartsWith("--mode", StringComparison.Ordinal)))
                {
                    // A CI job's own `yarn install --immutable`: Yarn 2+ runs the workspace's own postinstall even with
                    // enableScripts off; --mode=skip-build runs none.
                    step = step with { Arguments = [.. step.Arguments, "--mode=skip-build"] };
                }

                var nodeModules = NodeModulesKey(step, directory.Host, request.AllowLifecycleScripts, installed);
                var target = Path.Combine(directory.Host, "node_modules");
                if (nodeModules is not null && await caches.TryRestoreNodeModulesAsync(request.Repository, nodeModules, target, cancellationToken))
                {
                    LogRestored(logger, request.Repository, nodeModules);
                    reported.Add(new ValidationStep
                    {
                        Kind = Kind,
                        CommandLine = RepositoryConfig.CommandLine.Join(step.Arguments),
                        ExitCode = 0,
                        Duration = TimeSpan.Zero,
                        OutputTail = $"node_modules restored from the cache for this lockfile ({nodeModules}); nothing installed",
                    });
                    continue;
                }

                var (result, stepTunnels) = await RunStepAsync(request, step, directory, yarn, repositoryCaches, timeout, cancellationToken);
                tunnels.AddRange(stepTunnels);
                var commandLine = RepositoryConfig.CommandLine.Join(step.Arguments);
                var tail = result.TimedOut ? $"{result.OutputTail}\n[timed out after {timeout}]"
                    : result.OutputLimitExceeded ? $"{result.OutputTail}\n[output limit exceeded]"
                    : result.OutputTail;
                if (Describe(stepTunnels) is { Length: > 0 } egress)
                {
                    tail = $"{tail}\n{egress}";
                }

                reported.Add(new ValidationStep { Kind = Kind, CommandLine = commandLine, ExitCode = result.ExitCode, Duration = result.Duration, OutputTail = tail });
                if (!result.Succeeded)
                {
                    return Failed(FailureMessage(commandLine, result.ExitCode, tail));
                }

                if (nodeModules is not null)
                {
                    await caches.SaveNodeModulesAsync(request.Repository, nodeModules, target, cancellationToken);
                }
            }

            await ExcludeFromPatchAsync(request.Workspace, cancellationToken);
        }
        catch
        {
            profile.Dispose();
            throw;
        }

        return new SetupResult(true, reported, tunnels, null, profile);

        SetupResult Failed(string error)
        {
            LogFailed(logger, request.Repository, error.Split('\n')[0]);
            return new SetupResult(false, reported, tunnels, error, profile);
        }
    }

    private async Task<(SandboxResult Result, IReadOnlyList<EgressTunnel> Tunnels)> RunStepAsync(
        SetupRequest request, SetupStep step, StepDirectory directory, YarnProject? yarn, SandboxCaches repositoryCaches, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(request.Environment, StringComparer.Ordinal);
        foreach (var (name, value) in step.Environment)
        {
            environment[name] = value;
        }

        // NuGet's vulnerability audit asks the source for its advisories on every restore: not an install, and the
        // second attempt on the same packages then reaches no registry at all.
        var controls = new Dictionary<string, string>(StringComparer.Ordinal) { ["NuGetAudit"] = "false" };
        if (!request.AllowLifecycleScripts)
        {
            // Also for declared steps (a CI job's own `npm ci` or `yarn install`): npm and pnpm read the first; yarn 1 reads
            // YARN_IGNORE_SCRIPTS, yarn 2+ YARN_ENABLE_SCRIPTS (and refuses a setting it does not know, so never both).
            controls["npm_config_ignore_scripts"] = "true";
            if (yarn is { IsBerry: true } || (yarn is null && YarnProject.Read(request.Workspace) is { IsBerry: true }))
            {
                controls["YARN_ENABLE_SCRIPTS"] = "false";
            }
            else
            {
                controls["YARN_IGNORE_SCRIPTS"] = "true";
            }
        }

        if (repositoryCaches.NpmCache is not null && (yarn ?? YarnProject.Read(request.Workspace)) is { IsBerry: false })
        {
            // Yarn 1 keeps its own cache (Yarn 2+ takes this variable as its project cache folder): beside npm's in the
            // repository's cache, so a changed yarn.lock downloads only what is new.
            controls["YARN_CACHE_FOLDER"] = SandboxRunner.NpmMount + "/yarn-v1";
        }

        IReadOnlyList<string> argv = directory.Relative == "."
            ? step.Arguments
            : ["env", "-C", directory.Relative, .. step.Arguments];
        using var session = proxy.Open("setup");
        var started = Stopwatch.GetTimestamp();
        var result = await sandbox.RunAsync(new SandboxRequest
        {
            Workspace = request.Workspace,
            Arguments = argv,
            Timeout = timeout,
            ReadOnlyPaths = request.ReadOnlyPaths,
            EgressSocket = session.SocketPath,
            Caches = repositoryCaches,
            WritableCaches = true,
            RepositoryEnvironment = environment,
            Environment = controls,
        }, cancellationToken);
        LogStep(logger, request.Repository, step.Name, result.ExitCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, session.Tunnels.Count);
        session.Dispose();
        return (result, session.Tunnels);
    }

    /// <summary>A Yarn 2+ pinned through <c>packageManager</c> at the root or where a yarn step runs: corepack provides it.</summary>
    private static bool UsesCorepack(string workspace, IReadOnlyList<SetupStep> steps) =>
        YarnProject.Read(workspace)?.Flavour == YarnFlavour.Corepack
        || steps.Any(s => s.Arguments is ["yarn", ..] && WorkingDirectory(workspace, s.WorkingDirectory) is { } d && YarnProject.Read(d.Host)?.Flavour == YarnFlavour.Corepack);

    /// <summary><c>yarn</c>, <c>yarn install ...</c> or <c>yarn --flag ...</c>: an install.</summary>
    private static bool IsYarnInstall(IReadOnlyList<string> argv) => argv is ["yarn"] or ["yarn", "install", ..] || (argv is ["yarn", var flag, ..] && flag.StartsWith('-'));

    /// <summary>
    /// What setup created (<c>node_modules</c>, <c>.venv</c>, whatever a declared step wrote) is not the fix: the new
    /// untracked paths go to the working copy's own <c>.git/info/exclude</c>, so the patch holds only what the command changes.
    /// </summary>
    private async Task ExcludeFromPatchAsync(string workspace, CancellationToken cancellationToken)
    {
        var gitDirectory = Path.Combine(workspace, ".git");
        if (!Directory.Exists(gitDirectory))
        {
            return;
        }

        var status = await git.RunAsync(
            workspace,
            ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "status", "--porcelain=v1", "-z", "--untracked-files=normal", "--ignored=no"],
            null,
            cancellationToken);
        if (!status.Succeeded)
        {
            return;
        }

        var patterns = Encoding.UTF8.GetString(status.Output)
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => entry.StartsWith("?? ", StringComparison.Ordinal))
            .Select(entry => "/" + EscapePattern(entry[3..]))
            .ToList();
        if (patterns.Count > 0)
        {
            var info = Path.Combine(gitDirectory, "info");
            Directory.CreateDirectory(info);
            await File.AppendAllLinesAsync(Path.Combine(info, "exclude"), ["# written by the setup phase", .. patterns], cancellationToken);
        }
    }

    /// <summary>A path as a literal gitignore pattern: glob characters, a leading '#' or '!' and trailing spaces escaped.</summary>
    internal static string EscapePattern(string path)
    {
        var builder = new StringBuilder(path.Length + 8);
        foreach (var c in path)
        {
            if (c is '\\' or '*' or '?' or '[' or ']' or '!' or '#' or ' ')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>What the run asked of the network, in one line per destination (refusals named).</summary>
    internal static string Describe(IReadOnlyList<EgressTunnel> tunnels)
    {
        var lines = tunnels
            .GroupBy(t => (t.Host, t.Port, t.Allowed))
            .Select(g => g.Key.Allowed
                ? string.Create(CultureInfo.InvariantCulture, $"egress: {g.Key.Host}:{g.Key.Port} {g.Count()} tunnel(s), {g.Sum(t => t.BytesReceived) / 1024} KiB received")
                : string.Create(CultureInfo.InvariantCulture, $"egress: {g.Key.Host}:{g.Key.Port} REFUSED {g.Count()} time(s): {g.First().Refusal}"));
        return string.Join('\n', lines);
    }

    internal static string FailureMessage(string commandLine, int exitCode, string tail)
    {
        const int MaxTail = 2000;
        tail = tail.Trim();
        if (tail.Length > MaxTail)
        {
            tail = "…" + tail[^MaxTail..];
        }

        var builder = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"setup failed: installing dependencies with `{commandLine}` exited {exitCode}")
            .Append(" (the repository's dependencies could not be installed; no change was tried)");
        return tail.Length == 0 ? builder.ToString() : builder.Append(":\n").Append(tail).ToString();
    }

    /// <summary>
    /// The key of the <c>node_modules</c> this step installs, when it is a package manager's install from a lockfile in
    /// its folder: the lockfile's bytes, the command, whether scripts ran, and the machine's toolchain versions (node's
    /// above all: native modules are built for one node ABI; the .NET SDK's and python's, which install scripts and
    /// node-gyp may use). Null otherwise, and for a step that only writes the lockfile.
    /// </summary>
    public static string? NodeModulesKey(SetupStep step, string directory, bool allowLifecycleScripts, InstalledToolchains toolchains)
    {
        if (step.Arguments.Count < 2 || step.Arguments[0] is not ("npm" or "pnpm" or "yarn") || step.Arguments[1] is not ("ci" or "install" or "i")
            || step.Arguments.Any(a => a is "--package-lock-only" or "--lockfile-only" or "--mode=update-lockfile"))
        {
            return null;
        }

        var lockfile = NodeLockfiles.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
        if (lockfile is null || new FileInfo(lockfile).LinkTarget is not null)
        {
            return null;
        }

        return RepositoryCaches.Key(File.ReadAllBytes(lockfile),
        [
            .. step.Arguments, Path.GetFileName(lockfile), allowLifecycleScripts ? "scripts" : "no-scripts",
            .. step.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"),
            .. step.Arguments[0] == "yarn" && YarnProject.Read(directory) is { } yarn ? [$"yarn={yarn.Flavour}:{yarn.Version}"] : Array.Empty<string>(),
            "node=" + string.Join(',', toolchains.Node), "dotnet=" + string.Join(',', toolchains.Dotnet), "python=" + string.Join(',', toolchains.Python),
        ]);
    }

    /// <summary>
    /// Why <paramref name="program"/> (a bare command name) cannot run here, or null: not on the sandbox's path. pnpm and
    /// yarn are named as the package managers they are, with how the Executor's machine gets them.
    /// </summary>
    public static string? MissingProgram(string program, Func<string, bool>? programExists = null)
    {
        ArgumentNullException.ThrowIfNull(program);
        programExists ??= SetupDetector.ProgramExists;
        if (program.Contains('/', StringComparison.Ordinal) || programExists(program))
        {
            return null;
        }

        return program switch
        {
            "pnpm" => "the package manager pnpm is not installed on this machine (the repository uses pnpm; install it where the Executor runs: npm install -g pnpm)",
            "yarn" => "the package manager yarn is not installed on this machine (the repository uses yarn; install it where the Executor runs: npm install -g yarn)",
            _ => $"{program} is not installed on this machine",
        };
    }

    internal sealed record StepDirectory(string Relative, string Host);

    /// <summary>The step's folder: relative, inside the workspace, existing, reached through no symbolic link.</summary>
    internal static StepDirectory? WorkingDirectory(string workspace, string relative)
    {
        if (string.IsNullOrEmpty(relative) || relative is "." or "./")
        {
            return new(".", workspace);
        }

        var parts = relative.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (relative.StartsWith('/') || parts.Any(p => p is ".." or "." || p.StartsWith('-')) || parts.Length == 0)
        {
            return null;
        }

        var current = workspace;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (!info.Exists || info.LinkTarget is not null || (part == ".git" && current == Path.Combine(workspace, ".git")))
            {
                return null;
            }
        }

        return new(string.Join('/', parts), current);
    }

    [LoggerMessage(1, LogLevel.Information, "Setup of repository {Repository}: {Step} exited {ExitCode} in {ElapsedMs:0} ms, {Tunnels} egress tunnel(s)")]
    private static partial void LogStep(ILogger logger, string repository, string step, int exitCode, double elapsedMs, int tunnels);

    [LoggerMessage(2, LogLevel.Information, "Setup of repository {Repository}: node_modules restored for lockfile {Key}")]
    private static partial void LogRestored(ILogger logger, string repository, string key);

    [LoggerMessage(3, LogLevel.Warning, "Setup of repository {Repository} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string repository, string reason);
}
