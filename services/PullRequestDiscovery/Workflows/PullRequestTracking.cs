using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Persistence;
using MassTransit;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Workflows;

/// <summary>
/// The one path from a pull request's new state to its fix workflows, shared by the webhook consumer and
/// reconciliation: records the PR; a new head (someone pushed) supersedes workflows on the old head; a closed or merged
/// PR abandons them. Safe to apply twice: the saga ignores a second notice.
/// </summary>
public sealed partial class PullRequestTracking(ILogger<PullRequestTracking> logger)
{
    public static string StateOf(PullRequestChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Action == "closed" ? (change.Merged ? "merged" : "closed") : "open";
    }

    /// <summary>Applies <paramref name="change"/> in the caller's transaction; returns how many workflows were told.</summary>
    public async Task<int> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PullRequestChanged change, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(publisher);
        var pullRequest = change.PullRequest;
        var state = StateOf(change);
        await CheckRunStore.UpsertRepositoryAsync(connection, transaction, pullRequest.Repository, cancellationToken);
        await CheckRunStore.UpsertPullRequestAsync(connection, transaction, change, state, cancellationToken);

        var told = 0;
        var inFlight = await CheckRunStore.ListInFlightWorkflowsAsync(connection, transaction, pullRequest.Repository.RepositoryId, pullRequest.Number, cancellationToken);
        foreach (var workflow in inFlight)
        {
            if (state != "open")
            {
                await publisher.Publish(new PullRequestClosed { CorrelationId = workflow.Id, PullRequest = pullRequest, Merged = change.Merged }, cancellationToken);
                LogEnded(logger, workflow.Id, pullRequest.Number, state);
                told++;
            }
            else if (workflow.HeadSha != pullRequest.HeadSha)
            {
                await publisher.Publish(new PullRequestHeadMoved
                {
                    CorrelationId = workflow.Id,
                    PullRequest = pullRequest,
                    PreviousHeadSha = workflow.HeadSha,
                    PushedBy = change.Author,
                }, cancellationToken);
                LogSuperseded(logger, workflow.Id, pullRequest.Number, pullRequest.HeadSha);
                told++;
            }
        }

        return told;
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} moved to {HeadSha}; superseding")]
    private static partial void LogSuperseded(ILogger logger, Guid workflowId, int number, string headSha);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} is {State}; abandoning")]
    private static partial void LogEnded(ILogger logger, Guid workflowId, int number, string state);
}
