using Agentic.Contracts.Results;
using Agentic.ResultProcessor.Publishing;
using MassTransit;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>Pushes (or proposes) a validated fix and tells the workflow. Git errors are retried by the endpoint; a moved branch is not.</summary>
public sealed partial class PublishFixResultConsumer(FixPublisher publisher, ILogger<PublishFixResultConsumer> logger) : IConsumer<PublishFixResult>
{
    public async Task Consume(ConsumeContext<PublishFixResult> context)
    {
        var command = context.Message;
        if (!publisher.IsConfigured)
        {
            LogNotConfigured(logger, command.CorrelationId);
            return;
        }

        PublishedFix published;
        try
        {
            published = await publisher.PublishAsync(command, context.CancellationToken);
        }
        catch (BranchMovedException ex)
        {
            // A human pushed meanwhile: PR Discovery's PullRequestHeadMoved ends this workflow as superseded.
            LogBranchMoved(logger, ex, command.CorrelationId);
            return;
        }

        if (published.ProposalNumber is { } number)
        {
            await context.Publish(new FixProposed { CorrelationId = command.CorrelationId, PullRequest = command.PullRequest, ProposalNumber = number }, context.CancellationToken);
        }
        else
        {
            await context.Publish(new FixPushed { CorrelationId = command.CorrelationId, PullRequest = command.PullRequest, CommitSha = published.CommitSha }, context.CancellationToken);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Workflow {WorkflowId}: a validated fix cannot be pushed: GitHub access is not configured (GitHub:Api)")]
    private static partial void LogNotConfigured(ILogger logger, Guid workflowId);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: not pushing")]
    private static partial void LogBranchMoved(ILogger logger, Exception exception, Guid workflowId);
}
