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
    public Task<int> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, PullRequestChanged change, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return ApplyAsync(connection, transaction, [change], publisher, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="changes"/> (in order; the last change of a PR is its state) in the caller's transaction,
    /// in a few statements whatever their number; returns how many workflows were told.
    /// </summary>
    public async Task<int> ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<PullRequestChanged> changes, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(publisher);
        if (changes.Count == 0)
        {
            return 0;
        }

        await CheckRunStore.UpsertRepositoriesAsync(connection, transaction, changes.Select(c => c.PullRequest.Repository), cancellationToken);
        await CheckRunStore.UpsertPullRequestsAsync(connection, transaction, changes.Select(c => new PullRequestRow(c, StateOf(c))), cancellationToken);
        var inFlight = (await CheckRunStore.ListInFlightWorkflowsAsync(connection, transaction, changes.Select(c => c.PullRequest), cancellationToken))
            .ToLookup(w => (w.RepositoryId, w.Number));

        var told = 0;
        foreach (var change in changes)
        {
            var pullRequest = change.PullRequest;
            var state = StateOf(change);
            foreach (var workflow in inFlight[(pullRequest.Repository.RepositoryId, pullRequest.Number)])
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
        }

        return told;
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} moved to {HeadSha}; superseding")]
    private static partial void LogSuperseded(ILogger logger, Guid workflowId, int number, string headSha);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: PR #{Number} is {State}; abandoning")]
    private static partial void LogEnded(ILogger logger, Guid workflowId, int number, string state);
}
