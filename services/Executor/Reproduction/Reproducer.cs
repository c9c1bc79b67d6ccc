using System.Text;
using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Setup;

namespace Agentic.Executor.Reproduction;

/// <summary>
/// Reads the failed job's workflow file from the working copy, plans the reproduction and runs it (and the install steps
/// before it) in the sandbox. The CI script and the variables never reach a host command line: they are written to files
/// in a folder beside the working copy, bound read-only into the sandbox, and the sandbox runs <c>sh launch.sh</c>, a
/// launcher this class writes from validated names and single-quoted values.
/// </summary>
public sealed partial class Reproducer(SandboxRunner sandbox, ToolchainProbe toolchains, ILogger<Reproducer> logger)
{
    private const int MaxVersionFileBytes = 4096;

    public async Task<PlanningResult> PlanAsync(string workspace, CiJobReference job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!IsWorkflowPath(job.WorkflowPath))
        {
            return PlanningResult.NotFound($"'{job.WorkflowPath}' is not a GitHub Actions workflow file (.github/workflows/*.yml)");
        }

        var text = ReadInside(workspace, job.WorkflowPath, GitHubWorkflow.MaxBytes);
        if (text is null)
        {
            return PlanningResult.NotFound($"{job.WorkflowPath} is not in the repository at the head, or is larger than {GitHubWorkflow.MaxBytes / 1024} KB");
        }

        var (workflow, problem) = GitHubWorkflow.Parse(text);
        if (workflow is null)
        {
            return PlanningResult.NotFound($"{job.WorkflowPath}: {problem}");
        }

        var installed = await toolchains.GetAsync(cancellationToken);
        var result = ReproductionPlanner.Plan(workflow, job, installed, file => ReadInside(workspace, file, MaxVersionFileBytes));
        if (result.Plan is { } plan && !Directory.Exists(Path.Combine(workspace, plan.WorkingDirectory)))
        {
            return PlanningResult.Unsupported($"{plan.Step}: its working-directory '{plan.WorkingDirectory}' does not exist at the head");
        }

        LogPlanned(logger, result.Status, result.Plan?.Step ?? result.Reason ?? string.Empty);
        return result;
    }

    /// <summary>The failed step, run as CI ran it: its shell over its script file, in its folder, with its variables.</summary>
    public async Task<(SandboxResult Result, ValidationStep Step)> RunAsync(string workspace, IReadOnlyList<string> readOnlyPaths, ReproductionPlan plan, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var result = await RunLauncherAsync(workspace, readOnlyPaths, plan, timeout, cancellationToken);
        return (result, Step("reproduce", plan.Step, result, timeout));
    }

    private async Task<SandboxResult> RunLauncherAsync(
        string workspace,
        IReadOnlyList<string> readOnlyPaths,
        ReproductionPlan script,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var folder = workspace.TrimEnd('/') + "-ci";
        WorkspaceFolder(folder);
        try
        {
            var launcher = new StringBuilder("# Written by Agentic: the CI step's variables and folder, then its command. Values are single-quoted.\n");
            foreach (var (name, value) in script.Environment)
            {
                // Names were validated when planned; checked again here, since they become shell words.
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || char.IsAsciiDigit(name[0]))
                {
                    throw new ArgumentException($"invalid variable name '{name}'", nameof(script));
                }

                launcher.Append("export ").Append(name).Append('=').Append(Quote(value)).Append('\n');
            }

            launcher.Append("cd -- ").Append(Quote(SandboxRunner.WorkspaceMount + (script.WorkingDirectory.Length > 0 ? "/" + script.WorkingDirectory : string.Empty))).Append('\n');
            var file = Path.Combine(folder, "step" + script.ScriptExtension);
            WriteFile(file, script.Script);
            launcher.Append("exec");
            foreach (var word in script.Shell)
            {
                launcher.Append(' ').Append(Quote(word));
            }

            launcher.Append(' ').Append(Quote(file)).Append('\n');

            var launch = Path.Combine(folder, "launch.sh");
            WriteFile(launch, launcher.ToString());
            var result = await sandbox.RunAsync(new SandboxRequest
            {
                Workspace = workspace,
                Arguments = ["sh", launch],
                Timeout = timeout,
                ReadOnlyPaths = [.. readOnlyPaths, folder],
            }, cancellationToken);
            return result;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static ValidationStep Step(string kind, string commandLine, SandboxResult result, TimeSpan timeout) => new()
    {
        Kind = kind,
        CommandLine = commandLine,
        ExitCode = result.ExitCode,
        Duration = result.Duration,
        OutputTail = result.TimedOut ? $"{result.OutputTail}\n[timed out after {timeout}]" : result.OutputLimitExceeded ? $"{result.OutputTail}\n[output limit exceeded]" : result.OutputTail,
    };

    /// <summary>A POSIX shell single-quoted word: nothing inside is expanded.</summary>
    internal static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    internal static bool IsWorkflowPath(string path) =>
        path.StartsWith(".github/workflows/", StringComparison.Ordinal)
        && (path.EndsWith(".yml", StringComparison.Ordinal) || path.EndsWith(".yaml", StringComparison.Ordinal))
        && !path.Contains("..", StringComparison.Ordinal) && !path.Contains('\\') && path.Count(c => c == '/') == 2;

    /// <summary>A regular file inside the working copy (no symbolic link on the way), at most <paramref name="maxBytes"/>; else null.</summary>
    private static string? ReadInside(string workspace, string relative, int maxBytes)
    {
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.Split('/').Any(p => p is ".." or "" || p == ".git"))
        {
            return null;
        }

        var current = workspace;
        foreach (var part in relative.Split('/'))
        {
            current = Path.Combine(current, part);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                return null;
            }
        }

        var file = new FileInfo(current);
        return file.Exists && file.Length <= maxBytes ? File.ReadAllText(current) : null;
    }

    /// <summary>The folder of launcher and script: readable (not writable) by the sandbox account, which runs as another user.</summary>
    private static void WorkspaceFolder(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }
    }

    private static void WriteFile(string path, string content)
    {
        File.WriteAllText(path, content);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Reproduction planning: {Status}: {Detail}")]
    private static partial void LogPlanned(ILogger logger, PlanningStatus status, string detail);
}
