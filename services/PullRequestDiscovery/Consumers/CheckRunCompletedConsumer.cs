using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Workflows;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

/// <summary>
/// Keeps check-run and PR head state, and turns a failed check on an open PR's head into one
/// <see cref="CheckFailureDetected"/> per (repository, head SHA, check). Safe to receive twice: the claim is a unique
/// row, and the event's id is derived from the same key, so a repeat finds the claim or lands on the same saga.
/// </summary>
public sealed partial class CheckRunCompletedConsumer(CheckRunStore store, TimeProvider clock, ILogger<CheckRunCompletedConsumer> logger)
    : IConsumer<CheckRunCompleted>
{
    private static readonly HashSet<string> FailedConclusions = new(StringComparer.Ordinal) { "failure", "timed_out" };

    public async Task Consume(ConsumeContext<CheckRunCompleted> context)
    {
        var checkRun = context.Message;
        var cancellationToken = context.CancellationToken;

        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await CheckRunStore.UpsertRepositoryAsync(connection, transaction, checkRun.Repository, cancellationToken);
        await CheckRunStore.UpsertCheckRunAsync(connection, transaction, checkRun, cancellationToken);

        var detected = 0;
        if (FailedConclusions.Contains(checkRun.Conclusion))
        {
            foreach (var pullRequest in checkRun.PullRequests.Where(pr => pr.HeadSha == checkRun.HeadSha))
            {
                await CheckRunStore.UpsertPullRequestHeadAsync(connection, transaction, pullRequest, cancellationToken);
                var workflowId = FixWorkflowId.For(checkRun.Repository.RepositoryId, checkRun.HeadSha, checkRun.Name);
                if (!await CheckRunStore.TryClaimFixWorkflowAsync(connection, transaction, workflowId, pullRequest, checkRun.Name, cancellationToken))
                {
                    LogAlreadyDetected(logger, workflowId, checkRun.Name, pullRequest.Number);
                    continue;
                }

                // Published before the commit: if the commit fails the redelivery publishes the same id again.
                await context.Publish(new CheckFailureDetected
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
        }

        await transaction.CommitAsync(cancellationToken);
        LogRecorded(logger, checkRun.CheckRunId, checkRun.Conclusion, detected);
    }

    [LoggerMessage(1, LogLevel.Information, "Check failure detected: workflow {WorkflowId} for '{CheckName}' on {Owner}/{Repository}#{Number} at {HeadSha}")]
    private static partial void LogDetected(ILogger logger, Guid workflowId, string checkName, string owner, string repository, int number, string headSha);

    [LoggerMessage(2, LogLevel.Debug, "Check failure for workflow {WorkflowId} ('{CheckName}', PR #{Number}) was already detected")]
    private static partial void LogAlreadyDetected(ILogger logger, Guid workflowId, string checkName, int number);

    [LoggerMessage(3, LogLevel.Information, "Check run {CheckRunId} recorded ({Conclusion}); {Detected} new failure workflow(s)")]
    private static partial void LogRecorded(ILogger logger, long checkRunId, string conclusion, int detected);
}
