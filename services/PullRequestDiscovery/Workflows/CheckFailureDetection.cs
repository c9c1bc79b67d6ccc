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
    public async Task<int> RecordAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, CheckRunCompleted checkRun, IPublishEndpoint publisher, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkRun);
        ArgumentNullException.ThrowIfNull(publisher);
        await CheckRunStore.UpsertRepositoryAsync(connection, transaction, checkRun.Repository, cancellationToken);
        await CheckRunStore.UpsertCheckRunAsync(connection, transaction, checkRun, cancellationToken);
        if (!IsFailure(checkRun.Conclusion))
        {
            return 0;
        }

        var detected = 0;
        foreach (var pullRequest in checkRun.PullRequests.Where(pr => pr.HeadSha == checkRun.HeadSha))
        {
            await CheckRunStore.UpsertPullRequestHeadAsync(connection, transaction, pullRequest, cancellationToken);
            var workflowId = FixWorkflowId.For(checkRun.Repository.RepositoryId, checkRun.HeadSha, checkRun.Name);
            if (!await CheckRunStore.TryClaimFixWorkflowAsync(connection, transaction, workflowId, pullRequest, checkRun.Name, cancellationToken))
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
            }, cancellationToken);
            detected++;
            LogDetected(logger, workflowId, checkRun.Name, checkRun.Repository.Owner, checkRun.Repository.Name, pullRequest.Number, checkRun.HeadSha);
        }

        return detected;
    }

    [LoggerMessage(1, LogLevel.Information, "Check failure detected: workflow {WorkflowId} for '{CheckName}' on {Owner}/{Repository}#{Number} at {HeadSha}")]
    private static partial void LogDetected(ILogger logger, Guid workflowId, string checkName, string owner, string repository, int number, string headSha);

    [LoggerMessage(2, LogLevel.Debug, "Check failure for workflow {WorkflowId} ('{CheckName}', PR #{Number}) was already detected")]
    private static partial void LogAlreadyDetected(ILogger logger, Guid workflowId, string checkName, int number);
}
