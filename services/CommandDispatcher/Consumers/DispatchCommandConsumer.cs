using Agentic.Contracts.Dispatch;
using MassTransit;

namespace Agentic.CommandDispatcher.Consumers;

/// <summary>
/// Answers every dispatch request. The command library is empty until the fix-workflow issue fills it, so every
/// request is rejected with that reason and the workflow escalates instead of waiting.
/// </summary>
public sealed partial class DispatchCommandConsumer(ILogger<DispatchCommandConsumer> logger) : IConsumer<DispatchCommand>
{
    public const string EmptyLibraryReason = "the command library has no command for this strategy yet";

    public async Task Consume(ConsumeContext<DispatchCommand> context)
    {
        LogRejected(logger, context.Message.CorrelationId, context.Message.Strategy.ToString());
        await context.Publish(new CommandRejected { CorrelationId = context.Message.CorrelationId, Reason = EmptyLibraryReason }, context.CancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Workflow {WorkflowId}: no command for strategy {Strategy}")]
    private static partial void LogRejected(ILogger logger, Guid workflowId, string strategy);
}
