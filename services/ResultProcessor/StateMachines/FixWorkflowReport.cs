using System.Globalization;
using System.Text;
using Agentic.Contracts.Common;
using Agentic.Contracts.Notifications;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>The one report of a fix workflow, rebuilt from its state each time and updated in place by the Notifier.</summary>
public static class FixWorkflowReport
{
    public static PostWorkflowReport Create(FixWorkflowState saga, string status)
    {
        var pr = saga.PullRequest!;
        return new PostWorkflowReport
        {
            CorrelationId = saga.CorrelationId,
            Target = new ReplyTarget
            {
                Source = RequestSource.GitHub,
                Address = string.Create(CultureInfo.InvariantCulture, $"{pr.Repository.Owner}/{pr.Repository.Name}#{pr.Number}"),
            },
            Repository = pr.Repository,
            HeadSha = pr.HeadSha,
            Status = status,
            Outcome = saga.Outcome,
            Markdown = Render(saga),
            Sequence = saga.ReportSequence,
        };
    }

    public static string Render(FixWorkflowState saga)
    {
        var text = new StringBuilder();
        var headline = saga.Outcome switch
        {
            null => "working on it",
            WorkflowOutcome.Pushed => "fix pushed",
            WorkflowOutcome.Proposed => "fix proposed",
            WorkflowOutcome.Escalated => "needs a human",
            WorkflowOutcome.Abandoned => "stopped",
            WorkflowOutcome.Superseded => "superseded by a newer push",
            WorkflowOutcome.Rerun => "job re-run",
            _ => saga.Outcome.ToString()!.ToLowerInvariant(),
        };
        var sha = saga.PullRequest!.HeadSha;
        text.Append(CultureInfo.InvariantCulture, $"### Agentic: `{saga.CheckName}` failed on {sha[..Math.Min(7, sha.Length)]}: {headline}\n\n");
        if (saga.Summary is { Length: > 0 })
        {
            text.Append(saga.Summary).Append("\n\n");
        }

        if (saga.Category is { } category)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Diagnosis:** {category} ({saga.Confidence:P0} confidence)\n");
        }

        if (saga.RootCause is { Length: > 0 } rootCause)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Root cause:** {rootCause}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"- **Attempts:** {saga.Attempts}\n");
        text.Append(CultureInfo.InvariantCulture, $"- **LLM cost:** ${saga.CostUsd:0.0000}\n");
        if (saga.LastFailure is { Length: > 0 } failure)
        {
            text.Append(CultureInfo.InvariantCulture, $"- **Last problem:** {failure}\n");
        }

        return text.ToString();
    }
}
