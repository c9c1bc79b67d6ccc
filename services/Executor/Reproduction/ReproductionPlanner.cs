using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.Contracts.Common;
using Agentic.Executor.Setup;

namespace Agentic.Executor.Reproduction;

/// <summary>
/// The failed CI step as CI ran it: its script (expressions resolved), the shell command it runs under (the script is
/// the last argument, a file), its working directory relative to the repository root, its non-secret environment, and
/// the install steps the job ran before it.
/// </summary>
public sealed record ReproductionPlan(
    string Step,
    string Script,
    IReadOnlyList<string> Shell,
    string ScriptExtension,
    string WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    IReadOnlyList<SetupStep> Setup,
    IReadOnlyList<string> Notes)
{
    /// <summary>
    /// The failed step only installs (<c>npm ci</c>, <c>dotnet restore</c>, ...): its commands are the last of
    /// <see cref="Setup"/>, run with the registries reachable, and the reproduction is whether setup succeeds.
    /// </summary>
    public bool FailedStepInstalls { get; init; }
}

public enum PlanningStatus
{
    /// <summary>A plan to run.</summary>
    Planned,

    /// <summary>The step was found but cannot run here as CI ran it (toolchain missing, shell, secrets): our environment differs.</summary>
    Unsupported,

    /// <summary>No workflow, job or step to reproduce: the execution goes on without a reproduction.</summary>
    NotFound,
}

public sealed record PlanningResult(PlanningStatus Status, ReproductionPlan? Plan, string? Reason)
{
    public static PlanningResult Planned(ReproductionPlan plan) => new(PlanningStatus.Planned, plan, null);

    public static PlanningResult Unsupported(string reason) => new(PlanningStatus.Unsupported, null, reason);

    public static PlanningResult NotFound(string reason) => new(PlanningStatus.NotFound, null, reason);
}

/// <summary>
/// Finds the job and the failed step of a <see cref="CiJobReference"/> in a GitHub Actions workflow and turns them into
/// a <see cref="ReproductionPlan"/>. Pure: the workflow text, the reference and the installed toolchains in, a plan out.
/// Everything read from the workflow is untrusted: the script only ever becomes a file run inside the sandbox; names
/// and directories are validated; a value that refers to a secret is never resolved.
/// </summary>
public static partial class ReproductionPlanner
{
    /// <summary>Variables a workflow may not set for the reproduction: the sandbox's own, the loader's, the shells' start-up hooks.</summary>
    private static readonly HashSet<string> ForbiddenVariables = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "SHELL", "ENV", "BASH_ENV", "IFS", "PS4", "SHELLOPTS", "BASHOPTS", "GLOBIGNORE", "CDPATH", "PROMPT_COMMAND",
        "TMPDIR", "USER", "LOGNAME", "HOSTNAME", "PWD", "OLDPWD", "NUGET_PACKAGES", "DOTNET_CLI_HOME", "npm_config_cache",
        "npm_config_offline", "npm_config_userconfig", "npm_config_globalconfig", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "http_proxy", "https_proxy", "all_proxy", "no_proxy", "PYTHONSTARTUP", "PYTHONPATH",
    };

    private static readonly string[] ForbiddenPrefixes = ["LD_", "BASH_FUNC", "GIT_", "DYLD_"];

    /// <summary>What GitHub's runner sets for every step, so tools behave as in CI (e.g. test runners leave watch mode off).</summary>
    private static readonly KeyValuePair<string, string>[] RunnerVariables =
    [
        new("CI", "true"),
        new("GITHUB_ACTIONS", "true"),
        new("RUNNER_OS", "Linux"),
        new("GITHUB_WORKSPACE", Sandbox.SandboxRunner.WorkspaceMount),
    ];

    public static PlanningResult Plan(GitHubWorkflow workflow, CiJobReference job, InstalledToolchains installed, Func<string, string?>? readFile = null)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(installed);
        var (found, matrix) = FindJob(workflow, job.JobName);
        if (found is null)
        {
            return PlanningResult.NotFound($"no job named '{job.JobName}' in {job.WorkflowPath}");
        }

        var index = FindStep(found, job);
        if (index is null)
        {
            return PlanningResult.NotFound($"the failed step ({Describe(job)}) is not among the {found.Steps.Count} steps of job '{found.Id}' in {job.WorkflowPath}");
        }

        var step = found.Steps[index.Value];
        var stepName = $"step {index.Value + 2} '{step.DisplayName}' of job '{job.JobName}' ({job.WorkflowPath})";
        if (step.Run is null)
        {
            return PlanningResult.Unsupported($"{stepName} runs the action '{step.Uses}', which Agentic cannot run");
        }

        var notes = new List<string>();
        var context = Context(workflow, found, matrix, step, notes);
        if (Resolve(step.Run, context) is not { } script)
        {
            return PlanningResult.Unsupported(RefersToSecret(step.Run)
                ? $"{stepName}: its script uses a secret, which Agentic never resolves"
                : $"{stepName}: its script uses an expression Agentic does not evaluate ({FirstExpression(step.Run)})");
        }

        var shellName = step.Shell ?? found.Defaults.Shell ?? workflow.Defaults.Shell;
        var (shell, extension, shellProblem) = Shell(shellName, installed);
        if (shell is null)
        {
            return PlanningResult.Unsupported($"{stepName}: {shellProblem}");
        }

        var directoryText = step.WorkingDirectory ?? found.Defaults.WorkingDirectory ?? workflow.Defaults.WorkingDirectory;
        var directory = WorkingDirectory(directoryText, context);
        if (directory is null)
        {
            return PlanningResult.Unsupported($"{stepName}: working-directory '{directoryText}' is not a folder inside the repository");
        }

        var setup = new List<SetupStep>();
        for (var i = 0; i < index.Value; i++)
        {
            var earlier = found.Steps[i];
            if (earlier.Uses is { } uses)
            {
                if (Toolchain(uses, earlier, context, installed, readFile, notes) is { } missing)
                {
                    return PlanningResult.Unsupported($"toolchain missing: {missing}; {stepName} cannot run as in CI");
                }

                continue;
            }

            if (earlier.Run is null)
            {
                continue;
            }

            var installs = InstallCommands(earlier.Run);
            if (installs is null)
            {
                notes.Add($"earlier step '{earlier.DisplayName}' is not an install step and was not run");
                continue;
            }

            var earlierContext = Context(workflow, found, matrix, earlier, notes: null);
            var earlierDirectory = WorkingDirectory(earlier.WorkingDirectory ?? found.Defaults.WorkingDirectory ?? workflow.Defaults.WorkingDirectory, earlierContext);
            if (earlierDirectory is null)
            {
                return PlanningResult.Unsupported($"install step '{earlier.DisplayName}': its working-directory is not a folder inside the repository");
            }

            var environment = earlierContext.Environment.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            setup.AddRange(installs.Select(argv => new SetupStep(earlier.DisplayName, argv, earlierDirectory, environment)));
        }

        // A failed install step (e.g. `npm ci` on a version that does not exist) needs the registries: it runs as the last
        // setup step, where the egress proxy reaches them, and never in the network-less sandbox of the other steps.
        var failedInstalls = InstallCommands(script);
        if (failedInstalls is not null)
        {
            var stepEnvironment = context.Environment.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            setup.AddRange(failedInstalls.Select(argv => new SetupStep(step.DisplayName, argv, directory, stepEnvironment)));
        }

        return PlanningResult.Planned(new ReproductionPlan(stepName, script, shell, extension, directory, context.Environment, setup, notes) { FailedStepInstalls = failedInstalls is not null });
    }

    /// <summary>The job whose display name is <paramref name="jobName"/>, and the matrix combination that name stands for.</summary>
    public static (WorkflowJob? Job, IReadOnlyList<KeyValuePair<string, string>> Matrix) FindJob(GitHubWorkflow workflow, string jobName)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        foreach (var comparison in new[] { StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase })
        {
            foreach (var job in workflow.Jobs.Where(j => !j.UsesReusableWorkflow))
            {
                foreach (var (name, combination) in DisplayNames(job))
                {
                    if (string.Equals(name, jobName.Trim(), comparison))
                    {
                        return (job, combination);
                    }
                }
            }
        }

        return (null, []);
    }

    /// <summary>The names GitHub can show for a job: its <c>name:</c> (matrix values put in) or id, and for a matrix job without matrix values in its name, <c>name (v1, v2)</c>.</summary>
    public static IEnumerable<(string Name, IReadOnlyList<KeyValuePair<string, string>> Matrix)> DisplayNames(WorkflowJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Matrix.Count == 0)
        {
            var plain = job.Name is { } name ? Resolve(name, new ExpressionContext([], [])) : null;
            if (plain is not null)
            {
                yield return (plain, []);
            }

            yield return (job.Id, []);
            yield break;
        }

        foreach (var combination in job.Matrix)
        {
            var values = string.Join(", ", combination.Select(p => p.Value));
            if (job.Name is { } name)
            {
                if (Resolve(name, new ExpressionContext(combination, [])) is { } resolved)
                {
                    yield return (resolved, combination);
                    if (!name.Contains("matrix.", StringComparison.Ordinal))
                    {
                        yield return ($"{resolved} ({values})", combination);
                    }
                }
            }
            else
            {
                yield return ($"{job.Id} ({values})", combination);
            }

            yield return (job.Id, combination);
        }
    }

    /// <summary>
    /// The index in <paramref name="job"/>'s steps of the failed step: by number (GitHub counts "Set up job" as 1), when
    /// the name or command given do not contradict it; else by name (the step's <c>name:</c> or GitHub's <c>Run …</c>);
    /// else by the first line of its command.
    /// </summary>
    public static int? FindStep(WorkflowJob job, CiJobReference reference)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(reference);
        bool NameFits(WorkflowStep step) => reference.FailedStepName is not { Length: > 0 } name
            || string.Equals(step.DisplayName, name.Trim(), StringComparison.Ordinal) || string.Equals(step.Name, name.Trim(), StringComparison.Ordinal);
        bool CommandFits(WorkflowStep step) => reference.FailedStepCommand is not { Length: > 0 } command
            || (step.Run is { } run && string.Equals(WorkflowStep.FirstLine(run), command.Trim(), StringComparison.Ordinal));

        if (reference.FailedStepNumber is { } number && number - 2 is var index && index >= 0 && index < job.Steps.Count
            && NameFits(job.Steps[index]) && CommandFits(job.Steps[index]))
        {
            return index;
        }

        if (reference.FailedStepName is { Length: > 0 })
        {
            var named = Enumerable.Range(0, job.Steps.Count).Where(i => NameFits(job.Steps[i])).ToList();
            if (named.Count == 1)
            {
                return named[0];
            }

            if (named.Count > 1 && named.Where(i => CommandFits(job.Steps[i])).ToList() is [var both])
            {
                return both;
            }
        }

        if (reference.FailedStepCommand is { Length: > 0 })
        {
            var commands = Enumerable.Range(0, job.Steps.Count).Where(i => job.Steps[i].Run is not null && CommandFits(job.Steps[i])).ToList();
            if (commands.Count == 1)
            {
                return commands[0];
            }
        }

        return null;
    }

    /// <summary>
    /// The argv of each line of an install step (<c>npm ci</c>, <c>npm install</c>, <c>pnpm install</c>, <c>yarn
    /// install</c>, <c>dotnet restore</c>, <c>pip install</c>, ...), or null when any line is something else or uses shell
    /// syntax (pipes, substitutions, redirections).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>>? InstallCommands(string run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var commands = new List<IReadOnlyList<string>>();
        foreach (var raw in run.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (line.IndexOfAny(['$', '`', '|', ';', '&', '<', '>', '(', ')', '{', '}', '\\', '*', '?']) >= 0)
            {
                return null;
            }

            IReadOnlyList<string> argv;
            try
            {
                argv = RepositoryConfig.CommandLine.Split(line);
            }
            catch (FormatException)
            {
                return null;
            }

            if (argv is ["corepack", "enable", ..])
            {
                // The job's way to get the yarn (or pnpm) its package.json pins: the setup phase provides it through corepack.
                continue;
            }

            if (!IsInstall(argv))
            {
                return null;
            }

            commands.Add(argv);
        }

        return commands.Count > 0 ? commands : null;
    }

    private static bool IsInstall(IReadOnlyList<string> argv) => argv switch
    {
        ["npm", "ci" or "install" or "i" or "clean-install", ..] => true,
        ["pnpm", "install" or "i", ..] => true,
        ["yarn"] or ["yarn", "install", ..] => true,
        ["yarn", var flag, ..] when flag.StartsWith('-') => true,
        ["dotnet", "restore", ..] => true,
        ["pip" or "pip3", "install", ..] => true,
        ["python" or "python3", "-m", "pip", "install", ..] => true,
        _ => false,
    };

    /// <summary>The expression context of a step: its matrix combination and its environment (workflow ∪ job ∪ step, non-secret).</summary>
    private static ExpressionContext Context(GitHubWorkflow workflow, WorkflowJob job, IReadOnlyList<KeyValuePair<string, string>> matrix, WorkflowStep step, List<string>? notes)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (level, variables) in new[] { ("workflow", workflow.Env), ("job", job.Env), ("step", step.Env) })
        {
            foreach (var (name, value) in variables)
            {
                if (!VariableName().IsMatch(name) || ForbiddenVariables.Contains(name) || ForbiddenPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                {
                    notes?.Add($"{level} variable '{Shorten(name)}' is not passed (a name the sandbox keeps for itself or not a valid name)");
                    continue;
                }

                if (RefersToSecret(value))
                {
                    notes?.Add($"{level} variable {name} is not passed (it refers to a secret or the GitHub token)");
                    environment.Remove(name);
                    continue;
                }

                var resolved = Resolve(value, new ExpressionContext(matrix, environment.ToList()));
                if (resolved is null)
                {
                    notes?.Add($"{level} variable {name} is not passed (it uses {Shorten(FirstExpression(value) ?? value)}, which Agentic does not evaluate)");
                    environment.Remove(name);
                    continue;
                }

                environment[name] = resolved;
                order.Remove(name);
                order.Add(name);
            }
        }

        foreach (var (name, value) in RunnerVariables)
        {
            if (!environment.ContainsKey(name))
            {
                environment[name] = value;
                order.Insert(0, name);
            }
        }

        return new ExpressionContext(matrix, [.. order.Select(n => new KeyValuePair<string, string>(n, environment[n]))]);
    }

    public static bool RefersToSecret(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        foreach (Match match in Expression().Matches(value))
        {
            var inner = match.Groups[1].Value;
            if (inner.Contains("secrets", StringComparison.OrdinalIgnoreCase) || inner.Contains("github.token", StringComparison.OrdinalIgnoreCase)
                || inner.Contains("github['token']", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// <paramref name="text"/> with each <c>${{ matrix.x }}</c>, <c>${{ env.X }}</c>, <c>${{ runner.os }}</c> and
    /// <c>${{ github.workspace }}</c> put in; null when it holds any other expression (a secret, an event value, a function).
    /// </summary>
    internal static string? Resolve(string text, ExpressionContext context)
    {
        if (RefersToSecret(text))
        {
            return null;
        }

        var unresolved = false;
        var result = Expression().Replace(text, match =>
        {
            var inner = match.Groups[1].Value.Trim();
            var value = inner switch
            {
                "runner.os" => "Linux",
                "github.workspace" => Sandbox.SandboxRunner.WorkspaceMount,
                _ when inner.StartsWith("matrix.", StringComparison.Ordinal) => Lookup(context.Matrix, inner["matrix.".Length..]),
                _ when inner.StartsWith("env.", StringComparison.Ordinal) => Lookup(context.Environment, inner["env.".Length..]),
                _ => null,
            };
            unresolved |= value is null;
            return value ?? string.Empty;
        });
        return unresolved ? null : result;

        // As in GitHub's expressions, a key the context lacks is null, which a template renders as an empty string.
        static string? Lookup(IReadOnlyList<KeyValuePair<string, string>> values, string key) =>
            !KeyPattern().IsMatch(key) ? null
            : values.LastOrDefault(p => string.Equals(p.Key, key, StringComparison.Ordinal)) is { Key: not null } found ? found.Value : string.Empty;
    }

    private static string? FirstExpression(string text) => Expression().Match(text) is { Success: true } match ? Shorten(match.Value) : null;

    /// <summary>
    /// The command a step's shell runs its script with (GitHub's templates for Linux): unspecified → <c>bash -e</c>,
    /// <c>bash</c> → <c>bash --noprofile --norc -eo pipefail</c>, <c>sh</c> → <c>sh -e</c>; <c>pwsh</c> and
    /// <c>python</c> only when installed; a custom <c>bash</c>/<c>sh</c> line with plain flags and <c>{0}</c>.
    /// </summary>
    private static (IReadOnlyList<string>? Shell, string Extension, string? Problem) Shell(string? shell, InstalledToolchains installed)
    {
        switch (shell?.Trim())
        {
            case null or "":
                return (["bash", "-e"], ".sh", null);
            case "bash":
                return (["bash", "--noprofile", "--norc", "-eo", "pipefail"], ".sh", null);
            case "sh":
                return (["sh", "-e"], ".sh", null);
            case "pwsh":
                return installed.Pwsh ? (["pwsh", "-NoProfile", "-NonInteractive", "-File"], ".ps1", null) : (null, string.Empty, "shell pwsh is not installed here");
            case "python":
                return installed.Python.Count > 0 ? (["python3"], ".py", null) : (null, string.Empty, "shell python is not installed here");
            case { } custom:
                var words = custom.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words is ["bash" or "sh", .., "{0}"] && words[1..^1].All(w => ShellFlag().IsMatch(w)))
                {
                    return (words[..^1], ".sh", null);
                }

                return (null, string.Empty, $"shell '{Shorten(custom)}' is not supported (bash, sh, pwsh and python are)");
        }
    }

    /// <summary>The working directory relative to the repository root ("" for the root), or null when it leaves it.</summary>
    private static string? WorkingDirectory(string? text, ExpressionContext context)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var resolved = Resolve(text, context);
        if (resolved is null)
        {
            return null;
        }

        if (resolved.StartsWith(Sandbox.SandboxRunner.WorkspaceMount, StringComparison.Ordinal))
        {
            resolved = resolved[Sandbox.SandboxRunner.WorkspaceMount.Length..];
        }

        var parts = resolved.Trim().Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Any(p => p == ".." || !PathPart().IsMatch(p)) || resolved.StartsWith('~') ? null : string.Join('/', parts);
    }

    /// <summary>
    /// Checks an <c>actions/setup-node</c>, <c>setup-dotnet</c> or <c>setup-python</c> step against the machine; returns
    /// what is missing ("node 18 (installed: 20.11.1)"), or null. <c>actions/checkout</c> does nothing; other actions are noted.
    /// </summary>
    private static string? Toolchain(string uses, WorkflowStep step, ExpressionContext context, InstalledToolchains installed, Func<string, string?>? readFile, List<string> notes)
    {
        var action = uses.Split('@')[0].Trim();
        var (tool, versionKey, fileKey, versions) = action switch
        {
            "actions/checkout" => (null, null, null, null),
            "actions/setup-node" => ("node", "node-version", "node-version-file", installed.Node),
            "actions/setup-dotnet" => ("dotnet", "dotnet-version", "global-json-file", installed.Dotnet),
            "actions/setup-python" => ("python", "python-version", "python-version-file", installed.Python),
            _ => ((string?)null, (string?)null, (string?)null, (IReadOnlyList<string>?)null),
        };
        if (action == "actions/checkout")
        {
            return null;
        }

        if (tool is null || versions is null)
        {
            notes.Add($"action '{Shorten(uses)}' before the step is not run here");
            return null;
        }

        var with = step.With.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var requested = new List<string>();
        if (with.TryGetValue(versionKey!, out var versionText))
        {
            var resolved = Resolve(versionText, context);
            if (resolved is null)
            {
                notes.Add($"{action}: version '{Shorten(versionText)}' uses an expression Agentic does not evaluate; not checked");
                return null;
            }

            requested.AddRange(resolved.Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        else if (fileKey is not null && with.TryGetValue(fileKey, out var file) && tool != "dotnet" && readFile?.Invoke(file) is { } content)
        {
            requested.Add(content.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith('#')) ?? string.Empty);
        }

        if (versions.Count == 0)
        {
            return $"{tool} {(requested.Count > 0 ? string.Join(", ", requested) : "(any)")} (installed: none)";
        }

        foreach (var version in requested.Where(v => v.Length > 0))
        {
            if (InstalledToolchains.Satisfies(version, versions) == false)
            {
                return $"{tool} {Shorten(version)} (installed: {string.Join(", ", versions)})";
            }
        }

        return null;
    }

    private static string Describe(CiJobReference job) =>
        string.Join(", ", new[]
        {
            job.FailedStepNumber is { } n ? "number " + n.ToString(CultureInfo.InvariantCulture) : null,
            job.FailedStepName is { Length: > 0 } name ? $"name '{Shorten(name)}'" : null,
            job.FailedStepCommand is { Length: > 0 } command ? $"command '{Shorten(command)}'" : null,
        }.Where(s => s is not null));

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    [GeneratedRegex(@"\$\{\{(.*?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Expression();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex VariableName();

    [GeneratedRegex("^-{1,2}[A-Za-z][A-Za-z-]*$")]
    private static partial Regex ShellFlag();

    [GeneratedRegex("^[A-Za-z0-9._@+-][A-Za-z0-9._@+ -]*$")]
    private static partial Regex PathPart();
}

/// <summary>What <c>${{ matrix.* }}</c> and <c>${{ env.* }}</c> resolve to for one step.</summary>
internal sealed record ExpressionContext(IReadOnlyList<KeyValuePair<string, string>> Matrix, IReadOnlyList<KeyValuePair<string, string>> Environment);
