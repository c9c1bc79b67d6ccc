using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Persistence;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

/// <summary>
/// Keeps the pull request's state and tells in-flight fix workflows when it moves under them: a new head (someone
/// pushed) supersedes workflows on the old head; a closed or merged PR abandons them. Safe to receive twice: the
/// state update is conditional and the saga ignores a second notice.
/// </summary>
public sealed partial class PullRequestChangedConsumer(CheckRunStore store, ILogger<PullRequestChangedConsumer> logger) : IConsumer<PullRequestChanged>
{
    public async Task Consume(ConsumeContext<PullRequestChanged> context)
    {
        var change = context.Message;
        var pullRequest = change.PullRequest;
        var cancellationToken = context.CancellationToken;
        var state = change.Action == "closed" ? (change.Merged ? "merged" : "closed") : "open";

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CheckRunStore.UpsertRepositoryAsync(connection, transaction, pullRequest.Repository, cancellationToken);
        await CheckRunStore.UpsertPullRequestAsync(connection, transaction, change, state, cancellationToken);

        // Workflows still running for this PR whose head is not the PR's head now.
        var inFlight = await CheckRunStore.ListInFlightWorkflowsAsync(connection, transaction, pullRequest.Repository.RepositoryId, pullRequest.Number, cancellationToken);
        foreach (var workflow in inFlight)
        {
            if (state != "open")
            {
                await context.Publish(new PullRequestClosed { CorrelationId = workflow.Id, PullRequest = pullRequest, Merged = change.Merged }, cancellationToken);
                LogEnded(logger, workflow.Id, pullRequest.Number, state);
            }
            else if (workflow.HeadSha != pullRequest.HeadSha)
            {
                await context.Publish(new PullRequestHeadMoved
                {
                    CorrelationId = workflow.Id,
                    PullRequest = pullRequest,
                    PreviousHeadSha = workflow.HeadSha,
                    PushedBy = change.Author,
                }, cancellationToken);
                LogSuperseded(logger, workflow.Id, pullRequest.Number, pullRequest.HeadSha);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} moved to {HeadSha}; superseding")]
    private static partial void LogSuperseded(ILogger logger, Guid workflowId, int number, string headSha);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} is {State}; abandoning")]
    private static partial void LogEnded(ILogger logger, Guid workflowId, int number, string state);
}
