using Agentic.Contracts.Common;
using Agentic.GitHub;
using Agentic.GitHub.Models;

namespace Agentic.CommandDispatcher.Editing;

/// <summary>A file of the pull request's head, as shown to the model.</summary>
public sealed record RepositoryFile(string Path, string Content);

/// <summary>Files of a pull request's head commit.</summary>
public interface IRepositoryFileSource
{
    /// <summary>The file at <paramref name="path"/> at the head SHA, or null when it does not exist, is not a regular file or is over <paramref name="maxBytes"/>.</summary>
    Task<RepositoryFile?> GetAsync(PullRequestRef pullRequest, string path, int maxBytes, CancellationToken cancellationToken);
}

/// <summary>Reads files through the GitHub contents API at the PR's head SHA, as the installation when a GitHub App is configured.</summary>
public sealed class GitHubRepositoryFileSource(GitHubClient gitHub) : IRepositoryFileSource
{
    public async Task<RepositoryFile?> GetAsync(PullRequestRef pullRequest, string path, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pullRequest);
        var repository = pullRequest.Repository;
        var client = gitHub.ForRepository(repository.InstallationId);
        GitHubContent? content;
        try
        {
            content = await client.GetFileContentAsync(repository.Owner, repository.Name, path, pullRequest.HeadSha, cancellationToken);
        }
        catch (InvalidOperationException)
        {
            return null; // a directory
        }

        if (content is null || content.Type != "file" || content.Size > maxBytes || content.Encoding != "base64")
        {
            return null;
        }

        var bytes = content.GetDecodedContent();
        return bytes.Length > maxBytes || bytes.AsSpan().Contains((byte)0) ? null : new RepositoryFile(path, System.Text.Encoding.UTF8.GetString(bytes));
    }
}
