using Agentic.Contracts.Analysis;
using MassTransit;

namespace Agentic.CheckAnalyzer.Consumers;

/// <summary>
/// Answers every analysis request so that no workflow waits forever. Until log retrieval and classification are in
/// place (the fix-workflow issue) it reports honestly that it could not analyse, and the workflow escalates.
/// </summary>
public sealed partial class AnalyzeCheckFailureConsumer(ILogger<AnalyzeCheckFailureConsumer> logger) : IConsumer<AnalyzeCheckFailure>
{
    public const string NotAvailableReason = "automatic failure analysis is not available in this version of Agentic";

    public async Task Consume(ConsumeContext<AnalyzeCheckFailure> context)
    {
        LogUnavailable(logger, context.Message.CorrelationId, context.Message.CheckName);
        await context.Publish(new CheckFailureAnalysisFailed { CorrelationId = context.Message.CorrelationId, Reason = NotAvailableReason }, context.CancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Workflow {WorkflowId}: cannot analyse '{CheckName}': no analyzer available")]
    private static partial void LogUnavailable(ILogger logger, Guid workflowId, string checkName);
}
