using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Persistence;
using MassTransit;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Workflows;

/// <summary>
/// The one path from a completed check run to <see cref="CheckFailureDetected"/>, shared by the webhook consumer and
/// reconciliation: records the check run, and for a failure on an open PR's head claims the fix workflow row (unique per
/// repository, head SHA, check) and publishes once. The event's id is derived from the same key, so a repeat finds the
/// claim or lands on the same saga.
/// </summary>
public sealed partial class CheckFailureDetection(TimeProvider clock, ILogger<CheckFailureDetection> logger)
{
    private static readonly HashSet<string> FailedConclusions = new(StringComparer.Ordinal) { "failure", "timed_out" };

    public static bool IsFailure(string? conclusion) => conclusion is not null && FailedConclusions.Contains(conclusion);

    /// <summary>Records <paramref name="checkRun"/> in the caller's transaction; returns how many new failure workflows were published.</summary>
    public Task<int> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CheckRunCompleted checkRun, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkRun);
        return RecordAsync(connection, transaction, [checkRun], publisher, cancellationToken);
    }

    /// <summary>
    /// Records <paramref name="checkRuns"/> in the caller's transaction, in a few statements whatever their number;
    /// returns how many new failure workflows were published.
    /// </summary>
    public async Task<int> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<CheckRunCompleted> checkRuns, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkRuns);
        ArgumentNullException.ThrowIfNull(publisher);
        if (checkRuns.Count == 0)
        {
            return 0;
        }

        await CheckRunStore.UpsertRepositoriesAsync(connection, transaction, checkRuns.Select(r => r.Repository), cancellationToken);
        await CheckRunStore.UpsertCheckRunsAsync(connection, transaction, checkRuns, cancellationToken);
        var failures = checkRuns
            .Where(r => IsFailure(r.Conclusion))
            .SelectMany(r => r.PullRequests.Where(pr => pr.HeadSha == r.HeadSha).Select(pr => (CheckRun: r, Claim: new FixWorkflowClaim(
                FixWorkflowId.For(r.Repository.RepositoryId, r.HeadSha, r.Name), pr, r.Name))))
            .ToList();
        if (failures.Count == 0)
        {
            return 0;
        }

        await CheckRunStore.UpsertPullRequestHeadsAsync(connection, transaction, failures.Select(f => f.Claim.PullRequest), cancellationToken);
        var claimed = await CheckRunStore.TryClaimFixWorkflowsAsync(connection, transaction, failures.Select(f => f.Claim), cancellationToken);
        var forks = await CheckRunStore.ListForkPullRequestsAsync(connection, transaction, failures.Select(f => f.Claim.PullRequest), cancellationToken);
        var published = new HashSet<Guid>();
        foreach (var (checkRun, (workflowId, pullRequest, _)) in failures)
        {
            if (!claimed.Contains(workflowId) || !published.Add(workflowId))
            {
                LogAlreadyDetected(logger, workflowId, checkRun.Name, pullRequest.Number);
                continue;
            }

            // Published before the commit: if the commit fails the redelivery (or the next reconciliation) publishes the same id again.
            await publisher.Publish(new CheckFailureDetected
            {
                CorrelationId = workflowId,
                PullRequest = pullRequest,
                CheckRunId = checkRun.CheckRunId,
                CheckName = checkRun.Name,
                Conclusion = checkRun.Conclusion,
                // An Actions job's check run has the job's id, which is what its log is fetched by.
                JobId = checkRun.AppSlug == "github-actions" ? checkRun.CheckRunId : null,
                DetectedAt = clock.GetUtcNow(),
                FromFork = forks.Contains((pullRequest.Repository.RepositoryId, pullRequest.Number)),
            }, cancellationToken);
            LogDetected(logger, workflowId, checkRun.Name, checkRun.Repository.Owner, checkRun.Repository.Name, pullRequest.Number, checkRun.HeadSha);
        }

        return published.Count;
    }

    [LoggerMessage(1, LogLevel.Information, "Check failure detected: workflow {WorkflowId} for '{CheckName}' on {Owner}/{Repository}#{Number} at {HeadSha}")]
    private static partial void LogDetected(ILogger logger, Guid workflowId, string checkName, string owner, string repository, int number, string headSha);

    [LoggerMessage(2, LogLevel.Debug, "Check failure for workflow {WorkflowId} ('{CheckName}', PR #{Number}) was already detected")]
    private static partial void LogAlreadyDetected(ILogger logger, Guid workflowId, string checkName, int number);
}
