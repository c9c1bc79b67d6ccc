using System.Globalization;
using Agentic.Contracts.Common;
using Agentic.Contracts.Notifications;
using Agentic.GitHub;
using Agentic.GitHub.Models;
using Agentic.Text;

namespace Agentic.Notifier.Delivery;

/// <summary>
/// One comment per workflow on the pull request, updated in place, and one <c>agentic/fix</c> check run on the head
/// commit. The comment starts with a hidden marker, so a retry after a lost answer finds it instead of posting a second
/// one; only a comment that starts with it counts, so text inside a report (or anyone's comment quoting it) is never
/// taken for it. Every outbound text is scrubbed of the service's secrets and capped to what GitHub accepts.
/// </summary>
public sealed partial class GitHubReportDelivery(GitHubClient gitHub, SecretScrubber scrubber, ILogger<GitHubReportDelivery> logger)
{
    public const string CheckRunName = "agentic/fix";

    /// <summary>GitHub's limit for a comment body and a check run's summary (characters).</summary>
    public const int MaxBodyLength = 65_535;

    /// <summary>True when the service has GitHub credentials (a token or an App).</summary>
    public bool IsConfigured => gitHub.HasCredentials;

    public static string Marker(Guid workflowId) => $"<!-- agentic:workflow:{workflowId:N} -->";

    public async Task<DeliveredReport> DeliverAsync(PostWorkflowReport report, long? commentId, long? checkRunId, CancellationToken cancellationToken)
    {
        var (owner, name, number) = Target(report);
        var client = gitHub.ForRepository(report.Repository?.InstallationId ?? 0);
        var marker = Marker(report.CorrelationId);
        var markdown = scrubber.Scrub(report.Markdown);
        var body = marker + "\n" + TextLimits.Cap(markdown, MaxBodyLength - marker.Length - 1);

        commentId ??= await FindCommentAsync(client, owner, name, number, report.CorrelationId, cancellationToken);
        if (commentId is { } existing)
        {
            await client.UpdateIssueCommentAsync(owner, name, existing, body, cancellationToken);
        }
        else
        {
            commentId = (await client.CreateIssueCommentAsync(owner, name, number, body, cancellationToken)).Id;
            LogCommentCreated(logger, report.CorrelationId, owner, name, number);
        }

        // GitHub accepts check runs only from Apps; with a personal access token the comment is the whole report.
        if (report.HeadSha is { Length: > 0 } headSha && gitHub.IsApp)
        {
            checkRunId = await UpsertCheckRunAsync(client, owner, name, headSha, report, TextLimits.Cap(markdown, MaxBodyLength), checkRunId, cancellationToken);
        }

        return new DeliveredReport(commentId.Value, checkRunId);
    }

    private static async Task<long?> FindCommentAsync(GitHubClient client, string owner, string name, int number, Guid workflowId, CancellationToken cancellationToken)
    {
        var marker = Marker(workflowId);
        await foreach (var comment in client.ListIssueCommentsAsync(owner, name, number, cancellationToken: cancellationToken))
        {
            if (comment.Body?.StartsWith(marker, StringComparison.Ordinal) == true)
            {
                return comment.Id;
            }
        }

        return null;
    }

    private static async Task<long> UpsertCheckRunAsync(
        GitHubClient client, string owner, string name, string headSha, PostWorkflowReport report, string summary, long? checkRunId, CancellationToken cancellationToken)
    {
        var completed = report.Status == "completed";
        var output = new NewCheckRunOutput { Title = Title(report.Outcome), Summary = summary };
        if (checkRunId is { } id)
        {
            await client.UpdateCheckRunAsync(owner, name, id, new CheckRunUpdate
            {
                Status = completed ? "completed" : "in_progress",
                Conclusion = completed ? Conclusion(report.Outcome) : null,
                CompletedAt = completed ? DateTimeOffset.UtcNow : null,
                Output = output,
            }, cancellationToken);
            return id;
        }

        var created = await client.CreateCheckRunAsync(owner, name, new NewCheckRun
        {
            Name = CheckRunName,
            HeadSha = headSha,
            ExternalId = report.CorrelationId.ToString("N"),
            Status = completed ? "completed" : "in_progress",
            Conclusion = completed ? Conclusion(report.Outcome) : null,
            CompletedAt = completed ? DateTimeOffset.UtcNow : null,
            Output = output,
        }, cancellationToken);
        return created.Id;
    }

    // Escalations are "neutral": the agent did its job by explaining; a red check would blame the pull request twice.
    private static string Conclusion(WorkflowOutcome? outcome) => outcome switch
    {
        WorkflowOutcome.Pushed or WorkflowOutcome.Proposed => "success",
        WorkflowOutcome.Abandoned or WorkflowOutcome.Superseded => "cancelled",
        _ => "neutral",
    };

    private static string Title(WorkflowOutcome? outcome) => outcome switch
    {
        null => "Working on the failed check",
        WorkflowOutcome.Pushed => "Fix pushed",
        WorkflowOutcome.Proposed => "Fix proposed in a pull request",
        WorkflowOutcome.Escalated => "Needs a human",
        WorkflowOutcome.Rerun => "Failed job re-run",
        WorkflowOutcome.Superseded => "Superseded by a newer push",
        _ => "Stopped",
    };

    private static (string Owner, string Name, int Number) Target(PostWorkflowReport report)
    {
        var address = report.Target.Address;
        var hash = address.LastIndexOf('#');
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        if (hash < 0 || slash <= 0 || slash > hash ||
            !int.TryParse(address.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new FormatException($"'{address}' is not a GitHub target of the form owner/name#number.");
        }

        return (address[..slash], address[(slash + 1)..hash], number);
    }

    [LoggerMessage(1, LogLevel.Information, "Workflow {WorkflowId}: report comment created on {Owner}/{Repository}#{Number}")]
    private static partial void LogCommentCreated(ILogger logger, Guid workflowId, string owner, string repository, int number);
}

public sealed record DeliveredReport(long CommentId, long? CheckRunId);
