namespace Agentic.Contracts.Notifications;

/// <summary>Command to the Notifier: create or update the one report of a workflow where its request came from (PR comment and agentic/fix check run, Slack thread, Linear comment).</summary>
public sealed record PostWorkflowReport
{
    public required Guid CorrelationId { get; init; }
    public required ReplyTarget Target { get; init; }

    /// <summary>The head SHA the agentic/fix check run belongs to; null outside GitHub.</summary>
    public string? HeadSha { get; init; }
    public RepositoryRef? Repository { get; init; }

    /// <summary>in_progress or completed; drives the check run and the comment's header.</summary>
    public required string Status { get; init; }
    public WorkflowOutcome? Outcome { get; init; }

    /// <summary>
    /// The report in the target's format (GitHub-flavoured markdown for GitHub and Linear, mrkdwn for Slack), every
    /// untrusted part already escaped or fenced for it (Agentic.Text); the Notifier only scrubs and caps it.
    /// </summary>
    public required string Markdown { get; init; }

    /// <summary>Monotonic per workflow: a report older than the one already posted is dropped.</summary>
    public required int Sequence { get; init; }
}
