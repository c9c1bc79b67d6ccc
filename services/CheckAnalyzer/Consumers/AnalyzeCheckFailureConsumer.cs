using Agentic.CheckAnalyzer.Analysis;
using Agentic.Contracts.Analysis;
using MassTransit;

namespace Agentic.CheckAnalyzer.Consumers;

/// <summary>
/// Analyses a failed check and answers the workflow with <see cref="CheckFailureAnalyzed"/>, or with
/// <see cref="CheckFailureAnalysisFailed"/> and the reason when the evidence cannot be had. Idempotent per workflow:
/// a redelivery re-publishes the stored verdict.
/// </summary>
public sealed partial class AnalyzeCheckFailureConsumer(FailureAnalysisService analyzer, ILogger<AnalyzeCheckFailureConsumer> logger) : IConsumer<AnalyzeCheckFailure>
{
    public async Task Consume(ConsumeContext<AnalyzeCheckFailure> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        var outcome = await analyzer.AnalyzeAsync(request, context.CancellationToken);
        if (outcome.Analyzed is { } analyzed)
        {
            LogAnalyzed(logger, request.CorrelationId, request.CheckName, analyzed.Category.ToString(), analyzed.Strategy.ToString(), analyzed.Usage.Calls);
            await context.Publish(analyzed, context.CancellationToken);
        }
        else
        {
            LogFailed(logger, request.CorrelationId, request.CheckName, outcome.Failed!.Reason);
            await context.Publish(outcome.Failed, context.CancellationToken);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: '{CheckName}' analysed as {Category}, strategy {Strategy}, {LlmCalls} LLM call(s)")]
    private static partial void LogAnalyzed(ILogger logger, Guid workflowId, string checkName, string category, string strategy, int llmCalls);

    [LoggerMessage(2, LogLevel.Warning, "Workflow {WorkflowId}: cannot analyse '{CheckName}': {Reason}")]
    private static partial void LogFailed(ILogger logger, Guid workflowId, string checkName, string reason);
}
