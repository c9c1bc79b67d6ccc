using System.Globalization;
using System.Text;
using Agentic.Contracts.Common;
using Agentic.Contracts.Notifications;
using Agentic.Text;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// The one report of a fix workflow, rebuilt from its state each time and updated in place by the Notifier.
/// Everything that came from outside (the check's name, the root cause read from the log or written by the LLM, the
/// summary built from them, a command's output) is data: scrubbed of secrets first, then escaped inline or shown in a
/// fenced block sized to its content, never at the start of a list item, so nothing in it can link, mention, embed an
/// image, open HTML (or a comment hiding the rest), or end the report's own structure.
/// </summary>
public static class FixWorkflowReport
{
    public const int MaxCheckNameLength = 100;
    public const int MaxSummaryLength = 3000;
    public const int MaxRootCauseLength = 1000;
    public const int MaxFailureLength = 4000;

    public static PostWorkflowReport Create(FixWorkflowState saga, string status, SecretScrubber scrubber)
    {
        var pr = saga.PullRequest!;
        var target = new ReplyTarget
        {
            Source = RequestSource.GitHub,
            Address = string.Create(CultureInfo.InvariantCulture, $"{pr.Repository.Owner}/{pr.Repository.Name}#{pr.Number}"),
        };
        return new PostWorkflowReport
        {
            CorrelationId = saga.CorrelationId,
            Target = target,
            Repository = pr.Repository,
            HeadSha = pr.HeadSha,
            Status = status,
            Outcome = saga.Outcome,
            Markdown = Render(saga, scrubber, target.Source),
            Sequence = saga.ReportSequence,
        };
    }

    /// <summary>The report in the medium's own format: GitHub-flavoured markdown (GitHub, Linear) or Slack mrkdwn.</summary>
    public static string Render(FixWorkflowState saga, SecretScrubber scrubber, RequestSource medium = RequestSource.GitHub)
    {
        ArgumentNullException.ThrowIfNull(scrubber);
        return medium == RequestSource.Slack ? RenderMrkdwn(saga, scrubber) : RenderMarkdown(saga, scrubber);
    }

    private static string RenderMarkdown(FixWorkflowState saga, SecretScrubber scrubber)
    {
        var text = new StringBuilder();
        var sha = saga.PullRequest!.HeadSha;
        var checkName = GitHubMarkdown.Inline(scrubber.Scrub(saga.CheckName), MaxCheckNameLength);
        var shortSha = GitHubMarkdown.Inline(sha[..Math.Min(7, sha.Length)]);
        text.Append(CultureInfo.InvariantCulture, $"### Agentic: **{checkName}** failed on {shortSha}: {Headline(saga.Outcome)}\n\n");
        if (saga.Summary is { Length: > 0 })
        {
            text.Append(GitHubMarkdown.Lines(scrubber.Scrub(saga.Summary), MaxSummaryLength)).Append("\n\n");
        }

        if (saga.Category is { } category)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Diagnosis:** {category} ({saga.Confidence:P0} confidence)\n");
        }

        if (saga.RootCause is { Length: > 0 } rootCause)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Root cause:** {GitHubMarkdown.Inline(scrubber.Scrub(rootCause), MaxRootCauseLength)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- **Attempts:** {saga.Attempts}\n");
        text.Append(CultureInfo.InvariantCulture, $"- **LLM cost:** ${saga.CostUsd:0.0000}\n");
        if (saga.ProposalNumber is { } proposal)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Proposed in:** #{proposal}\n");
        }

        if (saga.LastFailure is { Length: > 0 } failure)
        {
            // An output tail: its end matters most. A fenced block at the top level (inside a list item, a line of
            // content with less indentation would end the item and the block with it).
            text.Append(saga.EnvironmentDiffers ? "\n**Our run of the step:**\n\n" : "\n**Last problem:**\n\n")
                .Append(GitHubMarkdown.CodeBlock(scrubber.Scrub(failure), MaxFailureLength, keepEnd: true));
        }

        if (saga.EnvironmentDiffers && saga.Evidence is { Length: > 0 } evidence)
        {
            text.Append("\n**CI's run of the step:**\n\n").Append(GitHubMarkdown.CodeBlock(scrubber.Scrub(evidence), MaxFailureLength, keepEnd: true));
        }

        return text.ToString();
    }

    /// <summary>The same report in Slack mrkdwn: every untrusted part through <see cref="SlackMrkdwn"/>, so no link, mention or broadcast.</summary>
    private static string RenderMrkdwn(FixWorkflowState saga, SecretScrubber scrubber)
    {
        var text = new StringBuilder();
        var sha = saga.PullRequest!.HeadSha;
        var checkName = SlackMrkdwn.Inline(scrubber.Scrub(saga.CheckName), MaxCheckNameLength);
        var shortSha = SlackMrkdwn.Inline(sha[..Math.Min(7, sha.Length)]);
        text.Append(CultureInfo.InvariantCulture, $"*Agentic:* {checkName} failed on {shortSha}: {Headline(saga.Outcome)}\n");
        if (saga.Summary is { Length: > 0 })
        {
            text.Append(SlackMrkdwn.Inline(scrubber.Scrub(saga.Summary), MaxSummaryLength)).Append('\n');
        }

        if (saga.Category is { } category)
        {
            text.Append(CultureInfo.InvariantCulture, $"• *Diagnosis:* {category} ({saga.Confidence:P0} confidence)\n");
        }

        if (saga.RootCause is { Length: > 0 } rootCause)
        {
            text.Append(CultureInfo.InvariantCulture, $"• *Root cause:* {SlackMrkdwn.Inline(scrubber.Scrub(rootCause), MaxRootCauseLength)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"• *Attempts:* {saga.Attempts}\n");
        text.Append(CultureInfo.InvariantCulture, $"• *LLM cost:* ${saga.CostUsd:0.0000}\n");
        if (saga.LastFailure is { Length: > 0 } failure)
        {
            text.Append(saga.EnvironmentDiffers ? "*Our run of the step:*\n" : "*Last problem:*\n")
                .Append(SlackMrkdwn.CodeBlock(scrubber.Scrub(failure), MaxFailureLength, keepEnd: true)).Append('\n');
        }

        if (saga.EnvironmentDiffers && saga.Evidence is { Length: > 0 } evidence)
        {
            text.Append("*CI's run of the step:*\n").Append(SlackMrkdwn.CodeBlock(scrubber.Scrub(evidence), MaxFailureLength, keepEnd: true)).Append('\n');
        }

        return text.ToString();
    }

    private static string Headline(WorkflowOutcome? outcome) => outcome switch
    {
        null => "working on it",
        WorkflowOutcome.Pushed => "fix pushed",
        WorkflowOutcome.Proposed => "fix proposed",
        WorkflowOutcome.Escalated => "needs a human",
        WorkflowOutcome.Abandoned => "stopped",
        WorkflowOutcome.Superseded => "superseded by a newer push",
        WorkflowOutcome.Rerun => "job re-run",
        _ => outcome.Value.ToString().ToLowerInvariant(),
    };
}
