using Agentic.Executor.Validation;

namespace Agentic.Executor.Setup;

/// <summary>
/// The install commands a repository needs when neither its CI job nor <c>.github/agentic.yml</c> says: per ecosystem
/// found at the root, with the package managers' reproducible modes (lockfile only) and their lifecycle scripts off
/// unless the repository allows them. pnpm and yarn are not part of Node.js: a machine without them fails setup with
/// "the package manager pnpm is not installed here" rather than skipping the install.
/// </summary>
public static class SetupDetector
{
    public const string VirtualEnvironment = ".venv";

    public static IReadOnlyList<SetupStep> Detect(string workspace, bool allowLifecycleScripts)
    {
        var steps = new List<SetupStep>();
        var none = new Dictionary<string, string>();
        bool Has(string file) => File.Exists(Path.Combine(workspace, file));
        IEnumerable<string> Scripts(string flag) => allowLifecycleScripts ? [] : [flag];

        if (!Has("package.json"))
        {
            // A lockfile alone installs nothing.
        }
        else if (Has("package-lock.json") || Has("npm-shrinkwrap.json"))
        {
            steps.Add(new("npm ci", ["npm", "ci", .. Scripts("--ignore-scripts"), "--no-audit", "--no-fund"], ".", none));
        }
        else if (Has("pnpm-lock.yaml"))
        {
            steps.Add(new("pnpm install", ["pnpm", "install", "--frozen-lockfile", .. Scripts("--ignore-scripts")], ".", none));
        }
        else if (YarnProject.Read(workspace) is { } yarn)
        {
            // Named even when the machine lacks the package manager: setup then fails saying so (SetupPhase.MissingProgram).
            // Yarn 2+ runs a workspace's own postinstall even with enableScripts off: --mode=skip-build runs no build script.
            steps.Add(yarn.IsBerry
                ? new("yarn install", ["yarn", "install", "--immutable", .. Scripts("--mode=skip-build")], ".", none)
                : new("yarn install", ["yarn", "install", "--frozen-lockfile", .. Scripts("--ignore-scripts")], ".", none));
        }

        if (ValidationPlanner.DotnetTarget(workspace) is { } target)
        {
            steps.Add(new("dotnet restore", ["dotnet", "restore", target, "--nologo", "-v", "q"], ".", none));
        }

        if (Has("requirements.txt") || Has("pyproject.toml"))
        {
            var pip = $"{VirtualEnvironment}/bin/pip";
            steps.Add(new("python venv", ["python3", "-m", "venv", VirtualEnvironment], ".", none));
            steps.Add(Has("requirements.txt")
                ? new("pip install", [pip, "install", "-r", "requirements.txt"], ".", none)
                : new("pip install", [pip, "install", "."], ".", none));
        }

        return steps;
    }

    /// <summary>
    /// After a dependency fix changed manifests (<paramref name="changedPaths"/>, relative): the commands that bring each
    /// changed <c>package.json</c>'s lockfile in line with it, resolving through the registries (npm <c>install
    /// --package-lock-only</c>, pnpm <c>install --lockfile-only</c>, yarn 2+ <c>install --mode=update-lockfile</c>),
    /// scripts off. Yarn classic has no lockfile-only mode, and NuGet and pip re-resolve from the manifest in their
    /// ordinary install: none is needed there.
    /// </summary>
    public static IReadOnlyList<SetupStep> LockfileRefresh(string workspace, IEnumerable<string> changedPaths, Func<string, bool>? programExists = null)
    {
        ArgumentNullException.ThrowIfNull(changedPaths);
        programExists ??= ProgramExists;
        var steps = new List<SetupStep>();
        var none = new Dictionary<string, string>();
        foreach (var path in changedPaths.Where(p => p == "package.json" || p.EndsWith("/package.json", StringComparison.Ordinal)).Distinct(StringComparer.Ordinal))
        {
            var folder = path.Length > "package.json".Length ? path[..^"/package.json".Length] : ".";
            bool Has(string file) => File.Exists(Path.Combine(workspace, folder, file));
            if (Has("package-lock.json") || Has("npm-shrinkwrap.json"))
            {
                steps.Add(new("refresh the lockfile", ["npm", "install", "--package-lock-only", "--ignore-scripts", "--no-audit", "--no-fund"], folder, none));
            }
            else if (Has("pnpm-lock.yaml"))
            {
                steps.Add(new("refresh the lockfile", ["pnpm", "install", "--lockfile-only", "--ignore-scripts"], folder, none));
            }
            else if (YarnProject.Read(Path.Combine(workspace, folder)) is { IsBerry: true, Problem: null } && programExists("yarn"))
            {
                steps.Add(new("refresh the lockfile", ["yarn", "install", "--mode=update-lockfile"], folder, none));
            }
        }

        return steps;
    }

    /// <summary>On the sandbox's PATH (the host's system folders, which the sandbox sees read-only).</summary>
    public static bool ProgramExists(string program) =>
        Sandbox.SandboxRunner.SandboxPath.Split(':').Any(directory => File.Exists(Path.Combine(directory, program)));
}
