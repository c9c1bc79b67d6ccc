using Agentic.CommandDispatcher.Library;
using Agentic.Contracts.Common;
using Agentic.Contracts.Dispatch;
using MassTransit;

namespace Agentic.CommandDispatcher.Consumers;

/// <summary>
/// Picks a library command for a diagnosed failure. Deterministic fixes need no LLM; LLM edits are rejected with a
/// clear reason until a model is configured for proposing diffs. The execution id is derived from the workflow and
/// attempt, so a redelivered request dispatches the same execution.
/// </summary>
public sealed partial class DispatchCommandConsumer(ILogger<DispatchCommandConsumer> logger) : IConsumer<DispatchCommand>
{
    public async Task Consume(ConsumeContext<DispatchCommand> context)
    {
        var request = context.Message;
        var command = request.Strategy == FixStrategy.Deterministic ? CommandLibrary.DeterministicFor(request.Category) : null;
        if (command is null)
        {
            var reason = request.Strategy == FixStrategy.LlmEdit
                ? "no model is configured to propose code edits"
                : $"no library command fits a {request.Category} failure with strategy {request.Strategy}";
            LogRejected(logger, request.CorrelationId, reason);
            await context.Publish(new CommandRejected { CorrelationId = request.CorrelationId, Reason = reason }, context.CancellationToken);
            return;
        }

        var executionId = ExecutionId(request.CorrelationId, request.Attempt);
        LogDispatched(logger, request.CorrelationId, command, request.Attempt);
        await context.Publish(new CommandDispatched
        {
            CorrelationId = request.CorrelationId,
            ExecutionId = executionId,
            Command = command,
            Arguments = new Dictionary<string, string>(),
            Attempt = request.Attempt,
        }, context.CancellationToken);
    }

    public static Guid ExecutionId(Guid workflowId, int attempt)
    {
        var bytes = workflowId.ToByteArray();
        bytes[15] ^= (byte)attempt;
        bytes[14] ^= (byte)(attempt >> 8);
        bytes[13] ^= 0x5A; // never equal to the workflow id itself
        return new Guid(bytes);
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: dispatching {Command} (attempt {Attempt})")]
    private static partial void LogDispatched(ILogger logger, Guid workflowId, string command, int attempt);

    [LoggerMessage(2, LogLevel.Warning, "Workflow {WorkflowId}: no command: {Reason}")]
    private static partial void LogRejected(ILogger logger, Guid workflowId, string reason);
}
