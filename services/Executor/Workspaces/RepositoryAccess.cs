using Agentic.Contracts.Common;
using Agentic.GitHub;
using Agentic.GitHub.Models;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Workspaces;

/// <summary>Finds a repository's clone URL and a token that reads it.</summary>
public interface IRepositoryAccess
{
    /// <summary>False when no GitHub credentials are configured; commands then end with an error, the service still runs.</summary>
    bool IsConfigured { get; }

    Task<RepositorySource> GetAsync(RepositoryRef repository, CancellationToken cancellationToken);
}

/// <summary>Through the GitHub App installation (or a configured token): <c>GET /repos/{owner}/{repo}</c> for the clone URL.</summary>
public sealed class GitHubRepositoryAccess(GitHubClient client, IOptions<GitHubClientOptions> options) : IRepositoryAccess
{
    public bool IsConfigured => options.Value.App.AppId is not null || !string.IsNullOrEmpty(options.Value.Token);

    public async Task<RepositorySource> GetAsync(RepositoryRef repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        if (!IsConfigured)
        {
            throw new InvalidOperationException(ExecutionMessages.GitHubNotConfigured);
        }

        string token;
        GitHubRepository found;
        if (options.Value.App.AppId is not null)
        {
            token = (await client.AppTokens.GetInstallationTokenAsync(repository.InstallationId, cancellationToken)).Token;
            using var installation = client.ForInstallation(repository.InstallationId);
            found = await installation.GetRepositoryAsync(repository.Owner, repository.Name, cancellationToken);
        }
        else
        {
            token = options.Value.Token!;
            found = await client.GetRepositoryAsync(repository.Owner, repository.Name, cancellationToken);
        }

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
