using Agentic.Contracts.Common;
using Agentic.Contracts.Execution;
using MassTransit;

namespace Agentic.Executor.Consumers;

/// <summary>
/// Answers every execution request. Workspaces and the bubblewrap sandbox arrive with the fix-workflow issue; until
/// then a command is refused with that reason, never silently dropped.
/// </summary>
public sealed partial class ExecuteCommandConsumer(ILogger<ExecuteCommandConsumer> logger) : IConsumer<ExecuteCommand>
{
    public async Task Consume(ConsumeContext<ExecuteCommand> context)
    {
        var command = context.Message;
        LogRefused(logger, command.CorrelationId, command.ExecutionId);
        await context.Publish(new CommandExecuted
        {
            CorrelationId = command.CorrelationId,
            ExecutionId = command.ExecutionId,
            Outcome = ExecutionOutcome.Refused,
            Validation = [],
            Duration = TimeSpan.Zero,
            Error = "the executor has no sandboxed command runner in this version of Agentic",
        }, context.CancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Workflow {WorkflowId}: execution {ExecutionId} refused: no command runner")]
    private static partial void LogRefused(ILogger logger, Guid workflowId, Guid executionId);
}
