using Agentic.Contracts.Access;
using Agentic.Git;
using Agentic.GitHub;
using MassTransit;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>
/// The token broker (ADR-008): the Result Processor holds the GitHub App's private key, the Executor does not. For an
/// <see cref="IssueRepositoryToken"/> it checks that the id still names that repository and answers with a token
/// limited to it, read-only (<c>contents: read</c>), valid an hour at most; or with <see cref="RepositoryTokenRefused"/>.
/// With a personal access token instead of an App (development) that token is given, unscoped.
/// </summary>
public sealed partial class IssueRepositoryTokenConsumer(GitHubClient gitHub, TimeProvider timeProvider, ILogger<IssueRepositoryTokenConsumer> logger)
    : IConsumer<IssueRepositoryToken>
{
    public const string NotConfigured = "GitHub access is not configured";

    public async Task Consume(ConsumeContext<IssueRepositoryToken> context)
    {
        var request = context.Message;
        var cancellationToken = context.CancellationToken;
        if (!gitHub.HasCredentials)
        {
            await RefuseAsync(context, NotConfigured);
            return;
        }

        try
        {
            var repository = await gitHub.ForRepository(request.InstallationId).GetRepositoryAsync(request.Owner, request.Name, cancellationToken);
            if (repository.Id != request.RepositoryId)
            {
                // Renamed, transferred or re-created: the name now belongs to another repository.
                await RefuseAsync(context, $"{request.Owner}/{request.Name} is repository {repository.Id}, not {request.RepositoryId}");
                return;
            }

            if (repository.CloneUrl is not { Length: > 0 } cloneUrl)
            {
                await RefuseAsync(context, $"GitHub returned no clone URL for {request.Owner}/{request.Name}");
                return;
            }

            string token;
            DateTimeOffset expiresAt;
            if (gitHub.IsApp && request.InstallationId > 0)
            {
                var issued = await gitHub.AppTokens.GetRepositoryReadTokenAsync(request.InstallationId, request.RepositoryId, cancellationToken);
                (token, expiresAt) = (issued.Token, issued.ExpiresAt);
            }
            else
            {
                token = await gitHub.GetGitTokenAsync(request.InstallationId, cancellationToken);
                expiresAt = timeProvider.GetUtcNow().AddHours(1);
            }

            LogIssued(logger, request.CorrelationId, request.RepositoryId, expiresAt);
            await context.RespondAsync(new RepositoryTokenIssued
            {
                CorrelationId = request.CorrelationId,
                RepositoryId = request.RepositoryId,
                CloneUrl = new Uri(cloneUrl),
                Token = token,
                ExpiresAt = expiresAt,
            });
        }
        catch (Exception e) when (e is GitHubApiException or HttpRequestException or InvalidOperationException or UriFormatException)
        {
            await RefuseAsync(context, OutputScrubber.Scrub(e.Message));
        }
    }

    private async Task RefuseAsync(ConsumeContext<IssueRepositoryToken> context, string reason)
    {
        LogRefused(logger, context.Message.CorrelationId, context.Message.RepositoryId, reason);
        await context.RespondAsync(new RepositoryTokenRefused
        {
            CorrelationId = context.Message.CorrelationId,
            RepositoryId = context.Message.RepositoryId,
            Reason = reason,
        });
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: read token for repository {RepositoryId} issued, valid until {ExpiresAt:O}")]
    private static partial void LogIssued(ILogger logger, Guid workflowId, long repositoryId, DateTimeOffset expiresAt);

    [LoggerMessage(2, LogLevel.Warning, "Workflow {WorkflowId}: no token for repository {RepositoryId}: {Reason}")]
    private static partial void LogRefused(ILogger logger, Guid workflowId, long repositoryId, string reason);
}
