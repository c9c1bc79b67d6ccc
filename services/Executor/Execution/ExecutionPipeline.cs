using System.Text;
using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Commands;
using Agentic.Executor.Options;
using Agentic.Executor.Patches;
using Agentic.Executor.Reproduction;
using Agentic.Executor.Sandbox;
using Agentic.Executor.Setup;
using Agentic.Executor.Validation;
using Agentic.Executor.Workspaces;
using Agentic.Git;
using Agentic.RepositoryConfig;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Execution;

/// <summary>
/// One execution: check the command, prepare a working copy at the head, install its dependencies (setup, the only
/// step with network: the package registries through the egress proxy), run the command in the sandbox, build the
/// patch, apply policy, validate with the repository's own commands, clean up. Every path ends in a
/// <see cref="CommandExecuted"/>; nothing here publishes or persists.
/// </summary>
public sealed partial class ExecutionPipeline(
    CommandLibrary library,
    IRepositoryAccess access,
    WorkspaceManager workspaces,
    GitCli git,
    PatchBuilder patches,
    ValidationRunner validation,
    Reproducer reproducer,
    SetupPhase setup,
    SecretScrubber scrubber,
    IOptions<ExecutorOptions> options,
    TimeProvider timeProvider,
    ILogger<ExecutionPipeline> logger)
{
    public async Task<CommandExecuted> ExecuteAsync(ExecuteCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var started = timeProvider.GetTimestamp();
        var steps = new List<ValidationStep>();
        string? token = null;
        CommandExecuted Result(ExecutionOutcome outcome, string? error = null, string? patch = null) => new()
        {
            CorrelationId = command.CorrelationId,
            ExecutionId = command.ExecutionId,
            Outcome = outcome,
            Patch = patch,
            Validation = steps,
            Duration = timeProvider.GetElapsedTime(started),
            Error = error is null ? null : scrubber.Scrub(error, token is null ? null : [token]),
        };

        var libraryCommand = library.Find(command.Command);
        if (libraryCommand is null)
        {
            return Result(ExecutionOutcome.Refused, $"unknown command '{command.Command}'; the library has {string.Join(", ", library.Names.Order(StringComparer.Ordinal))}");
        }

        if (libraryCommand.ValidateArguments(command.Arguments) is { } invalid)
        {
            return Result(ExecutionOutcome.Refused, $"{command.Command}: {invalid}");
        }

        Workspace workspace;
        try
        {
            var source = await access.GetAsync(command.PullRequest.Repository, command.CorrelationId, cancellationToken);
            token = source.Token;
            workspace = await workspaces.PrepareAsync(source, command.PullRequest.HeadSha, cancellationToken);
        }
        catch (RepositoryAccessException e)
        {
            LogWorkspaceFailed(logger, command.ExecutionId, e.Message);
            return Result(ExecutionOutcome.Error, e.Message);
        }
        catch (Exception e) when (e is WorkspaceException or GitException or InvalidOperationException)
        {
            LogWorkspaceFailed(logger, command.ExecutionId, e.Message);
            return Result(ExecutionOutcome.Error, $"workspace: {e.Message}");
        }

        await using (workspace)
        {
            try
            {
                return await RunInWorkspaceAsync(command, libraryCommand, workspace, steps, Result, cancellationToken);
            }
            catch (Exception e) when (e is SandboxUnavailableException or WorkspaceException or GitException)
            {
                LogWorkspaceFailed(logger, command.ExecutionId, e.Message);
                return Result(ExecutionOutcome.Error, e.Message);
            }
        }
    }

    private async Task<CommandExecuted> RunInWorkspaceAsync(
        ExecuteCommand command,
        ILibraryCommand libraryCommand,
        Workspace workspace,
        List<ValidationStep> steps,
        Func<ExecutionOutcome, string?, string?, CommandExecuted> result,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var (config, problems) = await ReadConfigAsync(workspace, cancellationToken);
        if (config is null)
        {
            return result(ExecutionOutcome.Refused, $"invalid configuration: {string.Join("; ", problems)}", null);
        }

        IReadOnlyList<string> readOnly = [workspace.MirrorDirectory];

        // Reproduce first: find the failed CI step in the workflow at the head; its job's install steps are the setup.
        ReproductionPlan? reproduction = null;
        if (command.Job is { } job && libraryCommand is not ValidateCommand)
        {
            var planned = await reproducer.PlanAsync(workspace.Directory, job, cancellationToken);
            switch (planned.Status)
            {
                case PlanningStatus.NotFound:
                    LogNoReproduction(logger, command.ExecutionId, planned.Reason ?? string.Empty);
                    break;
                case PlanningStatus.Unsupported:
                    LogEnvironmentDiffers(logger, command.ExecutionId, planned.Reason ?? string.Empty);
                    return result(ExecutionOutcome.EnvironmentDiffers, $"Our environment differs from CI's: {planned.Reason}", null);
                default:
                    reproduction = planned.Plan;
                    break;
            }
        }

        // Setup: dependencies installed before anything reads them (formatters need node_modules, builds their packages).
        using var installed = await setup.RunAsync(SetupRequestFor(command, config, workspace.Directory, readOnly, reproduction), cancellationToken);
        steps.AddRange(installed.Steps);

        // A dependency failure (a package or version the registry does not have) reproduces when installing fails here as
        // it failed in CI: the fix is then judged by a fresh setup after it, and by the reproduction.
        var dependencyReproduced = false;
        if (!installed.Succeeded)
        {
            if (command.DependencyFix && libraryCommand is not ValidateCommand)
            {
                dependencyReproduced = true;
                LogDependencyReproduced(logger, command.ExecutionId);
            }
            else if (reproduction is not null)
            {
                LogEnvironmentDiffers(logger, command.ExecutionId, "setup failed");
                return result(ExecutionOutcome.EnvironmentDiffers,
                    $"Our environment differs from CI's: the job's setup failed here, so {reproduction.Step} could not run as in CI.{Notes(reproduction)}\n{installed.Error}", null);
            }
            else
            {
                return result(ExecutionOutcome.Error, installed.Error, null);
            }
        }
        else if (reproduction is { FailedStepInstalls: true } && libraryCommand is not ValidateCommand)
        {
            // The failed step is an install, and it installed here.
            LogNotReproduced(logger, command.ExecutionId);
            return result(ExecutionOutcome.NotReproduced,
                $"{reproduction.Step} installed the dependencies here on the unchanged head {workspace.HeadSha[..Math.Min(7, workspace.HeadSha.Length)]}: the CI failure is flaky or belongs to CI's environment (a registry outage, a cache).{Notes(reproduction)}", null);
        }

        var timeout = command.Timeout > TimeSpan.Zero ? command.Timeout : settings.DefaultCommandTimeout;

        // The failed CI step on the unchanged head must fail here as it failed in CI, or there is nothing a fix could be
        // judged against.
        HeadRun? head = null;
        if (reproduction is not null && !dependencyReproduced)
        {
            head = await ReproduceAtHeadAsync(command, reproduction, workspace, readOnly, config, steps, cancellationToken);
            if (head.Outcome is { } ended)
            {
                return result(ended, head.Message, null);
            }
        }

        var ran = await libraryCommand.RunAsync(new CommandContext(workspace.Directory, readOnly, command.Arguments, timeout), cancellationToken);
        if (ran.Sandbox is { } sandbox)
        {
            steps.Add(new ValidationStep
            {
                Kind = "command",
                CommandLine = ran.CommandLine ?? command.Command,
                ExitCode = sandbox.ExitCode,
                Duration = sandbox.Duration,
                OutputTail = sandbox.OutputTail,
            });
        }

        switch (ran.Status)
        {
            case CommandStatus.NotApplicable:
                return result(ExecutionOutcome.NoChange, ran.Message, null);
            case CommandStatus.Refused:
                return result(ExecutionOutcome.Refused, ran.Message, null);
            case CommandStatus.TimedOut:
                return result(ExecutionOutcome.TimedOut, ran.Message, null);
            case CommandStatus.Failed:
                return result(ExecutionOutcome.Error, $"{command.Command} failed: {ran.Message}", null);
            case CommandStatus.ProposalFailed:
                // Like a failed validation: the workflow retries with this message as the previous failure.
                return result(ExecutionOutcome.ValidationFailed, ran.Message, null);
            default:
                break;
        }

        var patch = await patches.BuildAsync(workspace.Directory, workspace.HeadSha, settings.Patch.MaxBytes, cancellationToken);
        if (patch is not null && PatchPolicy.Check(patch, config, settings.Patch, command.AllowPaths, command.DependencyFix) is { } refusal)
        {
            LogRefused(logger, command.ExecutionId, refusal);
            return result(ExecutionOutcome.Refused, refusal, null);
        }

        if (patch is null && libraryCommand is not ValidateCommand)
        {
            return result(ExecutionOutcome.NoChange, ran.NoChangeReason, null);
        }

        // A dependency fix is validated by a fresh setup: lockfiles regenerated from the changed manifests, then the
        // install steps again, through the egress proxy. The regenerated lockfiles become part of the patch.
        using var refreshed = patch is not null && command.DependencyFix
            ? await RefreshDependenciesAsync(command, config, workspace, readOnly, reproduction, patch, installed, cancellationToken)
            : null;
        if (refreshed is not null)
        {
            steps.AddRange(refreshed.Steps.Select(s => s with { Kind = "setup after the fix" }));
            if (!refreshed.Succeeded)
            {
                return result(ExecutionOutcome.ValidationFailed, $"the dependency change did not install: {refreshed.Error}", null);
            }

            patch = await patches.BuildAsync(workspace.Directory, workspace.HeadSha, settings.Patch.MaxBytes, cancellationToken);
            if (patch is not null && PatchPolicy.Check(patch, config, settings.Patch, command.AllowPaths, command.DependencyFix) is { } lockRefusal)
            {
                LogRefused(logger, command.ExecutionId, lockRefusal);
                return result(ExecutionOutcome.Refused, lockRefusal, null);
            }

            if (reproduction is { FailedStepInstalls: true })
            {
                steps.Add(new ValidationStep { Kind = "reproduce", CommandLine = reproduction.Step, ExitCode = 0, Duration = TimeSpan.Zero, OutputTail = "installed after the fix" });
            }
            else if (reproduction is not null && head is null)
            {
                // The install failed at the head, so the failed step could not run there; after the fix it must pass.
                var (after, afterStep) = await reproducer.RunAsync(workspace.Directory, readOnly, reproduction, settings.ValidationTimeout, cancellationToken);
                steps.Add(afterStep);
                if (!after.Succeeded)
                {
                    return result(after.TimedOut ? ExecutionOutcome.TimedOut : ExecutionOutcome.ValidationFailed, FailureSummary(afterStep), null);
                }
            }
        }

        if (patch is not null && head is not null && reproduction is not null)
        {
            // The same step must now pass, and every validation step that passed at the head must still pass.
            var (after, afterStep) = await reproducer.RunAsync(workspace.Directory, readOnly, reproduction, settings.ValidationTimeout, cancellationToken);
            steps.Add(afterStep);
            if (!after.Succeeded)
            {
                return result(after.TimedOut ? ExecutionOutcome.TimedOut : ExecutionOutcome.ValidationFailed, FailureSummary(afterStep), null);
            }

            var still = await validation.RunAsync(workspace.Directory, readOnly, head.PassingAtHead, settings.ValidationTimeout, cancellationToken);
            steps.AddRange(still.Steps);
            return still.Passed
                ? result(ExecutionOutcome.Validated, null, patch.Diff)
                : result(still.TimedOut ? ExecutionOutcome.TimedOut : ExecutionOutcome.ValidationFailed, FailureSummary(still.Steps[^1]), null);
        }

        var plan = ValidationPlanner.Plan(workspace.Directory, config, command.Job?.FailedStepCommand);
        var report = await validation.RunAsync(workspace.Directory, readOnly, plan, settings.ValidationTimeout, cancellationToken);
        steps.AddRange(report.Steps);
        if (patch is null)
        {
            return result(ExecutionOutcome.NoChange, report.Passed ? null : "validation failed at the head", null);
        }

        return report.Passed
            ? result(ExecutionOutcome.Validated, null, patch.Diff)
            : result(report.TimedOut ? ExecutionOutcome.TimedOut : ExecutionOutcome.ValidationFailed, FailureSummary(report.Steps[^1]), null);
    }

    /// <summary>
    /// The fresh setup after a dependency fix: the first setup's profile is released, the lockfiles of the changed
    /// manifests are regenerated (<see cref="SetupDetector.LockfileRefresh"/>), then the same install steps run again.
    /// The result holds the working copy's profile for the commands after it.
    /// </summary>
    private async Task<SetupResult> RefreshDependenciesAsync(
        ExecuteCommand command, AgenticYaml config, Workspace workspace, IReadOnlyList<string> readOnly, ReproductionPlan? reproduction, Patch patch, SetupResult first, CancellationToken cancellationToken)
    {
        first.Dispose();
        var prepare = SetupDetector.LockfileRefresh(workspace.Directory, patch.Files.Select(f => f.Path));
        LogRefreshing(logger, command.ExecutionId, prepare.Count);
        return await setup.RunAsync(SetupRequestFor(command, config, workspace.Directory, readOnly, reproduction) with { Prepare = prepare }, cancellationToken);
    }

    /// <summary>
    /// The setup of this working copy: the reproduced CI job's own install steps, else the steps <c>.github/agentic.yml</c>
    /// declares, else detected ones.
    /// </summary>
    internal static SetupRequest SetupRequestFor(ExecuteCommand command, AgenticYaml config, string workspace, IReadOnlyList<string> readOnly, ReproductionPlan? reproduction = null) => new()
    {
        Workspace = workspace,
        Repository = command.PullRequest.Repository.RepositoryId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Steps = reproduction is { Setup.Count: > 0 } ? reproduction.Setup : config.Setup?.Select(argv => new SetupStep(RepositoryConfig.CommandLine.Join(argv), argv, ".", new Dictionary<string, string>())).ToList(),
        AllowLifecycleScripts = config.AllowLifecycleScripts,
        Environment = config.Environment,
        ReadOnlyPaths = readOnly,
        StepTimeout = config.Timeouts.TryGetValue(SetupPhase.Kind, out var limit) ? limit : null,
    };

    /// <summary>
    /// Runs the failed step on the unchanged head, after setup (the job's install steps). Ends the execution
    /// (<see cref="HeadRun.Outcome"/>) when it passes (<see cref="ExecutionOutcome.NotReproduced"/>) or cannot fail as in
    /// CI (<see cref="ExecutionOutcome.EnvironmentDiffers"/>); when it fails as in CI, runs the validation plan at the
    /// head too (the steps that pass must still pass after the fix) and leaves the working copy as it was.
    /// </summary>
    private async Task<HeadRun> ReproduceAtHeadAsync(
        ExecuteCommand command,
        ReproductionPlan plan,
        Workspace workspace,
        IReadOnlyList<string> readOnly,
        AgenticYaml config,
        List<ValidationStep> steps,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var notes = Notes(plan);
        var (atHead, headStep) = await reproducer.RunAsync(workspace.Directory, readOnly, plan, settings.ValidationTimeout, cancellationToken);
        steps.Add(headStep with { Kind = "reproduce at head" });
        if (atHead.Succeeded)
        {
            LogNotReproduced(logger, command.ExecutionId);
            var tail = OutputTail(headStep);
            return new HeadRun(ExecutionOutcome.NotReproduced,
                $"{plan.Step} passed here on the unchanged head {workspace.HeadSha[..Math.Min(7, workspace.HeadSha.Length)]}: the CI failure is flaky or belongs to CI's environment.{notes}" +
                (tail.Length > 0 ? "\n" + tail : string.Empty), []);
        }

        if (FailureSignature.Difference(atHead, command.FailureFiles) is { } difference)
        {
            LogEnvironmentDiffers(logger, command.ExecutionId, difference);
            return new HeadRun(ExecutionOutcome.EnvironmentDiffers,
                $"Our environment differs from CI's: {plan.Step} failed here differently: {difference}.{notes}\n{FailureSummary(headStep)}", []);
        }

        // Reproduced. Which validation steps pass at the head (each run on its own: one failing does not hide the others)?
        var passing = new List<ValidationCommand>();
        foreach (var validationCommand in ValidationPlanner.Plan(workspace.Directory, config))
        {
            var before = await validation.RunAsync(workspace.Directory, readOnly, [validationCommand], settings.ValidationTimeout, cancellationToken);
            if (before.Passed)
            {
                passing.Add(validationCommand);
            }
        }

        await ForgetHeadRunAsync(workspace.Directory, cancellationToken);
        return new HeadRun(null, null, passing);
    }

    /// <summary>
    /// Leaves the working copy as the head had it for the patch: tracked files the head's runs changed are restored, and
    /// what they created (build output, coverage) is excluded, so only the fix's own changes become the patch. The
    /// installed dependencies stay for the fix and its validation.
    /// </summary>
    private async Task ForgetHeadRunAsync(string directory, CancellationToken cancellationToken)
    {
        string[] safe = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false"];
        await git.RunCheckedAsync(directory, [.. safe, "checkout", "--", "."], null, cancellationToken);
        var status = await git.RunAsync(directory, [.. safe, "status", "--porcelain=v1", "-z", "--untracked-files=normal"], null, cancellationToken);
        if (!status.Succeeded)
        {
            throw new WorkspaceException($"git status failed: {status.Error}");
        }

        var created = Encoding.UTF8.GetString(status.Output).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(entry => entry.StartsWith("?? ", StringComparison.Ordinal))
            .Select(entry => "/" + GitIgnoreEscape(entry[3..]))
            .ToList();
        if (created.Count > 0)
        {
            var info = Path.Combine(directory, ".git", "info");
            Directory.CreateDirectory(info);
            await File.AppendAllTextAsync(Path.Combine(info, "exclude"), "\n" + string.Join("\n", created) + "\n", cancellationToken);
        }
    }

    private static string GitIgnoreEscape(string path)
    {
        var escaped = new StringBuilder();
        foreach (var c in path)
        {
            if (c is '\\' or '*' or '?' or '[' or '!' or '#' or ' ')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

    /// <summary>The head's reproduction: an outcome ending the execution, or the plan to run again after the fix and the validation steps passing at the head.</summary>
    private static string Notes(ReproductionPlan plan) => plan.Notes.Count > 0 ? "\nNotes: " + string.Join("; ", plan.Notes) : string.Empty;

    private sealed record HeadRun(ExecutionOutcome? Outcome, string? Message, IReadOnlyList<ValidationCommand> PassingAtHead);

    /// <summary>
    /// What failed, with the tail of its (already scrubbed) output: fed back to the next attempt (an LLM edit's prompt)
    /// and shown in the report.
    /// </summary>
    internal static string FailureSummary(ValidationStep step)
    {
        var tail = OutputTail(step);
        return tail.Length == 0
            ? $"{step.Kind} failed (exit {step.ExitCode})"
            : $"{step.Kind} failed (exit {step.ExitCode}: {step.CommandLine}):\n{tail}";
    }

    /// <summary>The end of a step's output, at most 2,000 characters, for a message.</summary>
    private static string OutputTail(ValidationStep step)
    {
        const int MaxTail = 2000;
        var tail = step.OutputTail.Trim();
        return tail.Length > MaxTail ? "…" + tail[^MaxTail..] : tail;
    }

    /// <summary><c>.github/agentic.yml</c> from the default branch (the mirror's HEAD), so a pull request cannot change its own rules.</summary>
    private async Task<(AgenticYaml? Config, IReadOnlyList<string> Problems)> ReadConfigAsync(Workspace workspace, CancellationToken cancellationToken)
    {
        var shown = await git.RunAsync(workspace.MirrorDirectory, ["show", $"HEAD:{AgenticYaml.Path}"], null, cancellationToken, maxOutputBytes: 256 * 1024);
        return shown.Succeeded ? AgenticYaml.Parse(Encoding.UTF8.GetString(shown.Output)) : (AgenticYaml.Default, []);
    }

    [LoggerMessage(1, LogLevel.Warning, "Execution {ExecutionId}: workspace or sandbox failed: {Reason}")]
    private static partial void LogWorkspaceFailed(ILogger logger, Guid executionId, string reason);

    [LoggerMessage(2, LogLevel.Information, "Execution {ExecutionId}: patch refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid executionId, string reason);

    [LoggerMessage(3, LogLevel.Information, "Execution {ExecutionId}: no reproduction: {Reason}")]
    private static partial void LogNoReproduction(ILogger logger, Guid executionId, string reason);

    [LoggerMessage(4, LogLevel.Information, "Execution {ExecutionId}: the failed step passed at the head (not reproduced)")]
    private static partial void LogNotReproduced(ILogger logger, Guid executionId);

    [LoggerMessage(5, LogLevel.Information, "Execution {ExecutionId}: environment differs from CI: {Reason}")]
    private static partial void LogEnvironmentDiffers(ILogger logger, Guid executionId, string reason);

    [LoggerMessage(6, LogLevel.Information, "Execution {ExecutionId}: the dependencies failed to install at the head as in CI (a dependency failure reproduced)")]
    private static partial void LogDependencyReproduced(ILogger logger, Guid executionId);

    [LoggerMessage(7, LogLevel.Information, "Execution {ExecutionId}: dependency fix: fresh setup with {Lockfiles} lockfile refresh step(s)")]
    private static partial void LogRefreshing(ILogger logger, Guid executionId, int lockfiles);
}
