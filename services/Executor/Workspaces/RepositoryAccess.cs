using Agentic.Contracts.Common;
using Agentic.GitHub;
using Agentic.GitHub.Models;

namespace Agentic.Executor.Workspaces;

/// <summary>Finds a repository's clone URL and a token that reads it.</summary>
public interface IRepositoryAccess
{
    /// <summary>False when no GitHub credentials are configured; commands then end with an error, the service still runs.</summary>
    bool IsConfigured { get; }

    Task<RepositorySource> GetAsync(RepositoryRef repository, CancellationToken cancellationToken);
}

/// <summary>Through the GitHub App installation (or a configured token): <c>GET /repos/{owner}/{repo}</c> for the clone URL.</summary>
public sealed class GitHubRepositoryAccess(GitHubClient client) : IRepositoryAccess
{
    public bool IsConfigured => client.HasCredentials;

    public async Task<RepositorySource> GetAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!IsConfigured)
        {
            throw new InvalidOperationException(ExecutionMessages.GitHubNotConfigured);
        }

        var token = await client.GetGitTokenAsync(repository.InstallationId, cancellationToken);
        var found = await client.ForRepository(repository.InstallationId).GetRepositoryAsync(repository.Owner, repository.Name, cancellationToken);

        var cloneUrl = found.CloneUrl is { Length: > 0 } url
            ? new Uri(url)
            : throw new WorkspaceException($"GitHub returned no clone URL for {repository.Owner}/{repository.Name}.");
        return new RepositorySource(repository.Owner, repository.Name, cloneUrl, token);
    }
}

public static class ExecutionMessages
{
    public const string GitHubNotConfigured = "GitHub access is not configured";
}
