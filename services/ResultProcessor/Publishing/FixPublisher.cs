using System.Text;
using Agentic.Contracts.Results;
using Agentic.Git;
using Agentic.GitHub;
using Agentic.GitHub.Models;
using Agentic.Text;

namespace Agentic.ResultProcessor.Publishing;

/// <summary>
/// Commits a validated patch outside the sandbox and pushes it, with the installation's token: to the PR branch
/// (only if the branch is still at the validated head, so a human's push is never overwritten) or, when asked, to a
/// new branch with a pull request against the PR branch. A redelivered command finds its own commit by its trailer.
/// </summary>
public sealed partial class FixPublisher(GitHubClient gitHub, GitCli git, SecretScrubber scrubber, ILogger<FixPublisher> logger)
{
    public const string Trailer = "Agentic-Execution";

    private static readonly Dictionary<string, string> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "agentic[bot]",
        ["GIT_AUTHOR_EMAIL"] = "agentic[bot]@users.noreply.github.com",
        ["GIT_COMMITTER_NAME"] = "agentic[bot]",
        ["GIT_COMMITTER_EMAIL"] = "agentic[bot]@users.noreply.github.com",
    };

    public bool IsConfigured => gitHub.HasCredentials;

    public async Task<PublishedFix> PublishAsync(PublishFixResult command, CancellationToken cancellationToken)
    {
        var pr = command.PullRequest;
        var repository = pr.Repository;
        var client = gitHub.ForRepository(repository.InstallationId);
        var token = await gitHub.GetGitTokenAsync(repository.InstallationId, cancellationToken);
        var cloneUrl = (await client.GetRepositoryAsync(repository.Owner, repository.Name, cancellationToken)).CloneUrl
            ?? throw new InvalidOperationException($"GitHub did not return a clone URL for {repository.Owner}/{repository.Name}.");
        var marker = $"{Trailer}: {command.ExecutionId}";
        var branch = command.OpenPullRequest ? $"agentic/fix-{command.ExecutionId:N}"[..20] : pr.HeadRef;

        // No checkout: the patch is applied to the index built from the validated head and committed from there, so
        // the only network round trips are one ls-remote, one shallow fetch and the push.
        var workspace = Directory.CreateTempSubdirectory("agentic-publish-").FullName;
        try
        {
            await git.RunCheckedAsync(workspace, ["init", "-q"], null, cancellationToken);
            var remoteHead = await RemoteHeadAsync(workspace, cloneUrl, branch, token, cancellationToken);
            var moved = remoteHead is not null && remoteHead != pr.HeadSha;
            await git.RunCheckedAsync(workspace, moved ? ["fetch", "-q", "--no-tags", "--depth=1", cloneUrl, pr.HeadSha, remoteHead!] : ["fetch", "-q", "--no-tags", "--depth=1", cloneUrl, pr.HeadSha],
                token, cancellationToken);

            // Already published by an earlier delivery of this command?
            if (moved)
            {
                var message = await git.RunCheckedAsync(workspace, ["log", "-1", "--format=%B", remoteHead!], null, cancellationToken);
                if (message.Contains(marker, StringComparison.Ordinal))
                {
                    LogAlreadyPublished(logger, command.CorrelationId, branch);
                    return await FinishAsync(client, command, branch, remoteHead!, cancellationToken);
                }

                if (!command.OpenPullRequest)
                {
                    throw new BranchMovedException(branch, pr.HeadSha, remoteHead!);
                }
            }

            await git.RunCheckedAsync(workspace, ["read-tree", pr.HeadSha], null, cancellationToken);
            await git.RunCheckedAsync(workspace, ["apply", "--cached", "--whitespace=nowarn", "-"], null, cancellationToken, Encoding.UTF8.GetBytes(command.Patch));
            var tree = await git.RunCheckedAsync(workspace, ["write-tree"], null, cancellationToken);
            var commit = await git.RunCheckedAsync(
                workspace, ["commit-tree", tree, "-p", pr.HeadSha], null, cancellationToken, Encoding.UTF8.GetBytes($"{FixCommitMessage.Sanitize(command.CommitMessage, scrubber)}\n\n{marker}\n"), Identity);

            // The lease makes the push fail if someone moved the branch since the fix was validated.
            var lease = command.OpenPullRequest ? $"--force-with-lease=refs/heads/{branch}:" : $"--force-with-lease=refs/heads/{branch}:{pr.HeadSha}";
            await git.RunCheckedAsync(workspace, ["push", "-q", lease, cloneUrl, $"{commit}:refs/heads/{branch}"], token, cancellationToken);
            LogPushed(logger, command.CorrelationId, repository.Owner, repository.Name, branch, commit);
            return await FinishAsync(client, command, branch, commit, cancellationToken);
        }
        finally
        {
            Directory.Delete(workspace, recursive: true);
        }
    }

    private async Task<PublishedFix> FinishAsync(GitHubClient client, PublishFixResult command, string branch, string commit, CancellationToken cancellationToken)
    {
        if (!command.OpenPullRequest)
        {
            return new PublishedFix(commit, null);
        }

        var pr = command.PullRequest;
        var existing = await client.ListPullRequestsAsync(pr.Repository.Owner, pr.Repository.Name, state: "open", cancellationToken: cancellationToken)
            .FirstOrDefaultAsync(p => p.Head?.Ref == branch, cancellationToken);
        var number = existing?.Number ?? (await client.CreatePullRequestAsync(pr.Repository.Owner, pr.Repository.Name, new NewPullRequest
        {
            Title = FixCommitMessage.Subject(FixCommitMessage.Sanitize(command.CommitMessage, scrubber)),
            Head = branch,
            Base = pr.HeadRef,
            Body = $"Validated fix for #{pr.Number}, proposed by Agentic because pushing to the pull request's branch is not allowed.",
        }, cancellationToken)).Number;
        return new PublishedFix(commit, number);
    }

    private async Task<string?> RemoteHeadAsync(string workspace, string cloneUrl, string branch, string token, CancellationToken cancellationToken)
    {
        var line = await git.RunCheckedAsync(workspace, ["ls-remote", cloneUrl, $"refs/heads/{branch}"], token, cancellationToken);
        return line.Length >= 40 ? line[..40] : null;
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: pushed {Commit} to {Owner}/{Repository}:{Branch}")]
    private static partial void LogPushed(ILogger logger, Guid workflowId, string owner, string repository, string branch, string commit);

    [LoggerMessage(2, LogLevel.Information, "Workflow {WorkflowId}: the fix is already on {Branch}")]
    private static partial void LogAlreadyPublished(ILogger logger, Guid workflowId, string branch);
}

public sealed record PublishedFix(string CommitSha, int? ProposalNumber);

/// <summary>The PR branch moved after the fix was validated: a human pushed; the fix is not pushed over it.</summary>
public sealed class BranchMovedException(string branch, string expected, string actual)
    : Exception($"Branch {branch} moved from {expected} to {actual} after the fix was validated; not pushing over it.");
