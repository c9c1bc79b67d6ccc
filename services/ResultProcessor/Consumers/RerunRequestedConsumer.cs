using Agentic.Contracts.Results;
using Agentic.GitHub;
using MassTransit;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>Re-runs the failed GitHub Actions job for an infrastructure or flaky failure (no code change).</summary>
public sealed partial class RerunRequestedConsumer(GitHubClient gitHub, ILogger<RerunRequestedConsumer> logger)
    : IConsumer<RerunRequested>
{
    public async Task Consume(ConsumeContext<RerunRequested> context)
    {
        var request = context.Message;
        var repository = request.PullRequest.Repository;
        if (request.JobId <= 0 || !gitHub.HasCredentials)
        {
            LogCannotRerun(logger, request.CorrelationId, request.JobId);
            return;
        }

        await gitHub.ForRepository(repository.InstallationId).RerunJobAsync(repository.Owner, repository.Name, request.JobId, cancellationToken: context.CancellationToken);
        LogRerun(logger, request.CorrelationId, request.JobId);
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: re-ran job {JobId}")]
    private static partial void LogRerun(ILogger logger, Guid workflowId, long jobId);

    [LoggerMessage(2, LogLevel.Warning, "Workflow {WorkflowId}: cannot re-run job {JobId} (not an Actions job, or GitHub access not configured)")]
    private static partial void LogCannotRerun(ILogger logger, Guid workflowId, long jobId);
}
