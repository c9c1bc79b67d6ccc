using Agentic.Contracts.Execution;
using Agentic.Executor.Execution;
using Agentic.Executor.Persistence;
using MassTransit;

namespace Agentic.Executor.Consumers;

/// <summary>
/// Runs a library command in a sandboxed working copy and publishes <see cref="CommandExecuted"/> with the patch and the
/// validation evidence. Idempotent on <c>ExecutionId</c>: a redelivery while it runs is dropped (the running one
/// answers), a repeat after completion re-publishes the stored result.
/// </summary>
public sealed partial class ExecuteCommandConsumer(ExecutionPipeline pipeline, ICommandExecutionStore store, ILogger<ExecuteCommandConsumer> logger) : IConsumer<ExecuteCommand>
{
    public async Task Consume(ConsumeContext<ExecuteCommand> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        var claim = await store.ClaimAsync(command, cancellationToken);
        switch (claim)
        {
            case ExecutionClaim.Running:
                LogAlreadyRunning(logger, command.CorrelationId, command.ExecutionId);
                return;
            case ExecutionClaim.Completed completed:
                LogRepublished(logger, command.CorrelationId, command.ExecutionId, completed.Result.Outcome);
                await context.Publish(completed.Result, cancellationToken);
                return;
            case ExecutionClaim.Acquired acquired:
                await using (acquired.Lease)
                {
                    var result = await pipeline.ExecuteAsync(command, cancellationToken);
                    await store.CompleteAsync(command, result, cancellationToken);
                    LogExecuted(logger, command.CorrelationId, command.ExecutionId, command.Command, result.Outcome, result.Duration.TotalMilliseconds);
                    await context.Publish(result, cancellationToken);
                }

                return;
            default:
                throw new InvalidOperationException($"Unexpected claim {claim}.");
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: execution {ExecutionId} ({Command}) ended {Outcome} in {ElapsedMs:0} ms")]
    private static partial void LogExecuted(ILogger logger, Guid workflowId, Guid executionId, string command, Agentic.Contracts.Common.ExecutionOutcome outcome, double elapsedMs);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: execution {ExecutionId} is running elsewhere; redelivery dropped")]
    private static partial void LogAlreadyRunning(ILogger logger, Guid workflowId, Guid executionId);

    [LoggerMessage(3, LogLevel.Information, "Workflow {WorkflowId}: execution {ExecutionId} finished before ({Outcome}); result re-published")]
    private static partial void LogRepublished(ILogger logger, Guid workflowId, Guid executionId, Agentic.Contracts.Common.ExecutionOutcome outcome);
}
