namespace Agentic.Contracts.Analysis;

/// <summary>Command to the Check Analyzer: fetch the failure evidence, classify it and propose a strategy.</summary>
public sealed record AnalyzeCheckFailure
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required PullRequestRef PullRequest { get; init; }
    public required long CheckRunId { get; init; }
    public required string CheckName { get; init; }
    public long? JobId { get; init; }

    /// <summary>The most the analysis may spend on LLM calls, in US dollars.</summary>
    public required decimal BudgetUsd { get; init; }

    /// <summary>
    /// Triage: fetch, reduce and classify by rules, but call no LLM. When the failure needs an LLM diagnosis the answer
    /// says so (<see cref="CheckFailureAnalyzed.NeedsLlm"/>) and the workflow asks again, once the repository's
    /// configuration (and budget) is known. A verdict the LLM cache already holds is used.
    /// </summary>
    public bool RulesOnly { get; init; }
}
