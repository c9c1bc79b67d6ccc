using System.Text;
using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using Agentic.Executor.Commands;
using Agentic.Executor.Options;
using Agentic.Executor.Patches;
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

        // Setup: dependencies installed before anything reads them (formatters need node_modules, builds their packages).
        using var installed = await setup.RunAsync(SetupRequestFor(command, config, workspace.Directory, readOnly), cancellationToken);
        steps.AddRange(installed.Steps);
        if (!installed.Succeeded)
        {
            return result(ExecutionOutcome.Error, installed.Error, null);
        }

        var timeout = command.Timeout > TimeSpan.Zero ? command.Timeout : settings.DefaultCommandTimeout;
        var ran = await libraryCommand.RunAsync(new CommandContext(workspace.Directory, readOnly, command.Arguments, timeout), cancellationToken);
        if (ran.Sandbox is { } sandbox)
        {
            steps.Add(new ValidationStep
            {
                Kind = "command",
                CommandLine = command.Command,
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
            return result(ExecutionOutcome.NoChange, null, null);
        }

        var plan = ValidationPlanner.Plan(workspace.Directory, config);
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

    /// <summary>The setup of this working copy: the steps <c>.github/agentic.yml</c> declares, else detected ones.</summary>
    internal static SetupRequest SetupRequestFor(ExecuteCommand command, AgenticYaml config, string workspace, IReadOnlyList<string> readOnly) => new()
    {
        Workspace = workspace,
        Repository = command.PullRequest.Repository.RepositoryId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Steps = config.Setup?.Select(argv => new SetupStep(RepositoryConfig.CommandLine.Join(argv), argv, ".", new Dictionary<string, string>())).ToList(),
        AllowLifecycleScripts = config.AllowLifecycleScripts,
        Environment = config.Environment,
        ReadOnlyPaths = readOnly,
        StepTimeout = config.Timeouts.TryGetValue(SetupPhase.Kind, out var limit) ? limit : null,
    };

    /// <summary>
    /// What failed, with the tail of its (already scrubbed) output: fed back to the next attempt (an LLM edit's prompt)
    /// and shown in the report.
    /// </summary>
    internal static string FailureSummary(ValidationStep step)
    {
        const int MaxTail = 2000;
        var tail = step.OutputTail.Trim();
        if (tail.Length > MaxTail)
        {
            tail = "…" + tail[^MaxTail..];
        }

        return tail.Length == 0
            ? $"{step.Kind} failed (exit {step.ExitCode})"
            : $"{step.Kind} failed (exit {step.ExitCode}: {step.CommandLine}):\n{tail}";
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
}
