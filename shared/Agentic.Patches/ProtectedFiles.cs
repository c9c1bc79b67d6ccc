namespace Agentic.Patches;

/// <summary>
/// What an automated change (a model's diff, a formatter's or any other command's patch) may not touch: files that
/// change how code is built, tested, reviewed or owned rather than the code itself. The one list the Command
/// Dispatcher's diff check and the Executor's patch policy both use (see docs/decisions/ADR-009-diff-deny-list.md).
/// <list type="bullet">
/// <item>Never, whatever the repository says: a <c>.git</c> directory, <c>.github/workflows/</c>, <c>.github/actions/</c>
/// (<see cref="CiFiles"/>) and Agentic's own <c>.github/agentic.yml</c>.</item>
/// <item>By default: the rest of <c>.github/</c>, <c>CODEOWNERS</c> anywhere, MSBuild imports, SDK and package-source
/// settings, test bootstraps, package-manager settings and hooks, git attributes and submodules, Makefiles. A repository
/// narrows this with <c>allow_paths</c> in <c>.github/agentic.yml</c> on its default branch.</item>
/// <item>Lockfiles and <c>Directory.Packages.props</c>, unless the change is a dependency fix (or the repository allows them).</item>
/// </list>
/// Paths are normalised (backslashes, <c>./</c>, empty segments) and compared without case, the more cautious reading.
/// </summary>
public static class ProtectedFiles
{
    /// <summary>Agentic's own configuration, read from the default branch.</summary>
    public const string ConfigPath = ".github/agentic.yml";

    private static readonly Rule[] Defaults =
    [
        new("**/CODEOWNERS", "code owners decide who must review"),
        new(".github/", "GitHub settings (dependabot, templates, code owners) are not changed by automated fixes"),
        new("**/Directory.Build.*", "MSBuild files imported by every project"),
        // Anywhere, not only outside project folders: which folder is a project's is not known from a diff, and a .props or
        // .targets file a project imports changes its build as much as a shared one does.
        new("**/*.props", "MSBuild imports (.props files)"),
        new("**/*.targets", "MSBuild imports (.targets files)"),
        new("**/nuget.config", "NuGet package sources"),
        new("**/global.json", ".NET SDK, MSBuild SDK and test-runner pins"),
        new("**/conftest.py", "pytest loads it before every test"),
        new("**/pytest.ini", "pytest's configuration"),
        new("**/.npmrc", "npm registry and script settings"),
        new("**/.yarnrc*", "Yarn registry and plugin settings"),
        new("**/.yarn/", "Yarn's plugins and releases run on install"),
        new("**/.pnpmfile.cjs", "pnpm hooks run on install"),
        new("**/.gitattributes", "git filters, diff drivers and merge drivers"),
        new("**/.gitmodules", "submodule sources"),
        new("**/.husky/", "git hooks run on contributors' machines"),
        new("**/.pre-commit-config.yaml", "git hooks run on contributors' machines"),
        new("**/.devcontainer/", "dev container setup runs with contributors' credentials"),
        new("**/Makefile", "build orchestration"),
        new("**/GNUmakefile", "build orchestration"),
    ];

    /// <summary>
    /// What a dependency fix changes: lockfiles and central package versions. Checked before <see cref="Defaults"/>, so a
    /// dependency fix may change <c>Directory.Packages.props</c> though other <c>.props</c> files stay protected.
    /// </summary>
    private static readonly Rule[] DependencyFiles =
    [
        new("**/Directory.Packages.props", "central package versions change only in a dependency fix"),
        .. new[]
        {
            "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb", "packages.lock.json",
            "poetry.lock", "Pipfile.lock", "uv.lock", "pdm.lock", "Gemfile.lock", "Cargo.lock", "go.sum", "composer.lock", "paket.lock",
        }.Select(name => new Rule("**/" + name, "lockfiles change only in a dependency fix")),
    ];

    /// <summary>Paths no repository setting can open (each also checked as a folder), to test <c>allow_paths</c> entries against.</summary>
    private static readonly string[] NeverSamples =
    [
        ".github/workflows/ci.yml", ".github/workflows", ".github/actions/setup/action.yml", ".github/actions", ".git/config", ".git", "src/.git/config", ConfigPath,
    ];

    /// <summary>
    /// <paramref name="path"/> as compared: forward slashes, no <c>./</c> or empty segments; null when it is not a
    /// repository-relative path (absolute, a drive, <c>..</c>, a control character, nothing left).
    /// </summary>
    public static string? Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var unified = path.Replace('\\', '/');
        if (unified.StartsWith('/') || unified.Contains(':', StringComparison.Ordinal) || unified.Any(char.IsControl))
        {
            return null;
        }

        var segments = unified.Split('/').Where(s => s is not ("" or ".")).ToList();
        return segments.Count == 0 || segments.Contains("..") ? null : string.Join('/', segments);
    }

    /// <summary>
    /// Why an automated change may not touch <paramref name="path"/>, or null when it may.
    /// </summary>
    /// <param name="allowPaths">The repository's <c>allow_paths</c> globs: default-denied paths they match are allowed.</param>
    /// <param name="dependencyFix">The change is a dependency fix: lockfiles and <c>Directory.Packages.props</c> may change.</param>
    public static string? Problem(string path, IReadOnlyList<string> allowPaths, bool dependencyFix)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(allowPaths);
        if (Normalize(path) is not { } normal)
        {
            return $"'{UnifiedDiff.Shorten(path)}' is not a plain repository-relative path";
        }

        if (Never(normal) is { } never)
        {
            return never;
        }

        var dependency = DependencyFiles.FirstOrDefault(r => r.Glob.IsMatch(normal));
        var rule = dependency is not null ? (dependencyFix ? null : dependency) : Defaults.FirstOrDefault(r => r.Glob.IsMatch(normal));
        if (rule is null || allowPaths.Any(a => !string.IsNullOrWhiteSpace(a) && new PathGlob(a, ignoreCase: true).IsMatch(normal)))
        {
            return null;
        }

        return $"'{normal}' is protected ({rule.Why}); a repository can allow it with allow_paths in {ConfigPath} on its default branch";
    }

    /// <summary>Why <paramref name="glob"/> cannot be an <c>allow_paths</c> entry (it opens what is never changed, or is no glob), or null.</summary>
    public static string? AllowPathProblem(string glob)
    {
        ArgumentNullException.ThrowIfNull(glob);
        if (string.IsNullOrWhiteSpace(glob) || glob.Any(char.IsControl) || glob.Contains('\\', StringComparison.Ordinal)
            || glob.Split('/').Any(segment => segment == ".."))
        {
            return $"'{UnifiedDiff.Shorten(glob)}' is not a path glob";
        }

        var pattern = new PathGlob(glob, ignoreCase: true);
        return NeverSamples.FirstOrDefault(pattern.IsMatch) is { } opened
            ? $"'{glob}' would allow '{opened}': .git, .github/workflows, .github/actions and {ConfigPath} are never changed"
            : null;
    }

    /// <summary>What no setting opens: a <c>.git</c> directory anywhere, CI files, Agentic's configuration.</summary>
    private static string? Never(string normal)
    {
        if (normal.Split('/').Any(segment => segment.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            return $"'{normal}': the .git directory is never changed";
        }

        if (CiFiles.Problem(normal) is { } ci)
        {
            return ci;
        }

        return normal.Equals(ConfigPath, StringComparison.OrdinalIgnoreCase) ? $"'{normal}': Agentic's configuration is never changed by Agentic" : null;
    }

    private sealed record Rule(string Pattern, string Why)
    {
        public PathGlob Glob { get; } = new(Pattern, ignoreCase: true);
    }
}
