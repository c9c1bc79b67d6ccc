using Agentic.Contracts.Access;
using Agentic.Contracts.Common;
using MassTransit;

namespace Agentic.Executor.Workspaces;

/// <summary>Finds a repository's clone URL and a short-lived token that reads it.</summary>
public interface IRepositoryAccess
{
    /// <exception cref="RepositoryAccessException">No token for this repository (no credentials, unknown repository, GitHub error).</exception>
    Task<RepositorySource> GetAsync(RepositoryRef repository, Guid correlationId, CancellationToken cancellationToken);
}

/// <summary>No token could be had for a repository; the message says why and is safe to report.</summary>
public sealed class RepositoryAccessException(string message) : Exception(message);

/// <summary>
/// Asks the service that holds the GitHub App's key (the Result Processor, <see cref="IssueRepositoryToken"/>) for a
/// token limited to this one repository, read-only, valid an hour at most (ADR-008). The Executor never holds the key
/// or an installation-wide token, and the token never enters a sandbox: host-side git uses it for clone and fetch.
/// </summary>
public sealed class BrokeredRepositoryAccess(IClientFactory clients) : IRepositoryAccess
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // The bus's client factory is a singleton (a registered IRequestClient is scoped); one client serves every request.
    private readonly IRequestClient<IssueRepositoryToken> _client = clients.CreateRequestClient<IssueRepositoryToken>(RequestTimeout.After(s: (int)Timeout.TotalSeconds));

    public async Task<RepositorySource> GetAsync(RepositoryRef repository, Guid correlationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        Response<RepositoryTokenIssued, RepositoryTokenRefused> response;
        try
        {
            response = await _client.GetResponse<RepositoryTokenIssued, RepositoryTokenRefused>(new IssueRepositoryToken
            {
                CorrelationId = correlationId,
                InstallationId = repository.InstallationId,
                RepositoryId = repository.RepositoryId,
                Owner = repository.Owner,
                Name = repository.Name,
            }, cancellationToken, RequestTimeout.After(s: (int)Timeout.TotalSeconds));
        }
        catch (RequestTimeoutException)
        {
            throw new RepositoryAccessException($"no answer to the token request for {repository.Owner}/{repository.Name} within {Timeout.TotalSeconds:0} s");
        }

        if (response.Is(out Response<RepositoryTokenIssued>? issued))
        {
            var message = issued.Message;
            return message.RepositoryId == repository.RepositoryId
                ? new RepositorySource(repository.InstallationId, repository.RepositoryId, repository.Owner, repository.Name, message.CloneUrl, message.Token)
                : throw new RepositoryAccessException($"the token answer is for repository {message.RepositoryId}, not {repository.RepositoryId}");
        }

        throw new RepositoryAccessException(response.Is(out Response<RepositoryTokenRefused>? refused)
            ? refused.Message.Reason
            : "unexpected answer to the token request");
    }
}

public static class ExecutionMessages
{
    public const string GitHubNotConfigured = "GitHub access is not configured";
}
