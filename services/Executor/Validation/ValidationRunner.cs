using Agentic.Contracts.Execution;
using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Validation;

/// <summary>Runs the validation plan in the sandbox, in order, stopping at the first failure; each run becomes a <see cref="ValidationStep"/>.</summary>
public sealed class ValidationRunner(SandboxRunner sandbox)
{
    public async Task<ValidationReport> RunAsync(string workspace, IReadOnlyList<string> readOnlyPaths, IReadOnlyList<ValidationCommand> plan, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var steps = new List<ValidationStep>();
        var timedOut = false;
        foreach (var command in plan)
        {
            var limit = command.Timeout ?? timeout;
            var result = await sandbox.RunAsync(new SandboxRequest
            {
                Workspace = workspace,
                Arguments = command.Arguments,
                Timeout = limit,
                ReadOnlyPaths = readOnlyPaths,
            }, cancellationToken);
            steps.Add(new ValidationStep
            {
                Kind = command.Kind,
                CommandLine = command.CommandLine,
                ExitCode = result.ExitCode,
                Duration = result.Duration,
                OutputTail = result.TimedOut ? $"{result.OutputTail}\n[timed out after {limit}]" : result.OutputLimitExceeded ? $"{result.OutputTail}\n[output limit exceeded]" : result.OutputTail,
            });
            if (!result.Succeeded)
            {
                timedOut = result.TimedOut;
                return new ValidationReport(steps, Passed: false, timedOut);
            }
        }

        return new ValidationReport(steps, Passed: true, TimedOut: false);
    }
}

public sealed record ValidationReport(IReadOnlyList<ValidationStep> Steps, bool Passed, bool TimedOut);
