using Agentic.Contracts.Common;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// The fix workflow's decisions about what a fix may do, as pure functions of the workflow's state (unit-tested on
/// their own; the state machine only asks them).
/// </summary>
public static class FixWorkflowPolicy
{
    /// <summary>
    /// Why the workflow reports its diagnosis instead of changing code, or null when it may try a fix (or a re-run):
    /// no safe automatic fix, <c>auto_fix: false</c>, or a fork's pull request the repository has not opened to pushes.
    /// A re-run writes nothing, so a fork's failing job may still run again.
    /// </summary>
    public static string? ReportOnlyReason(FixWorkflowState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (saga.Strategy == FixStrategy.Escalate)
        {
            return "Diagnosed; no safe automatic fix: " + saga.RootCause;
        }

        if (!saga.AutoFix)
        {
            return "Diagnosed (auto_fix is off in .github/agentic.yml, so no change was attempted): " + saga.RootCause;
        }

        return saga.FromFork && !saga.PushToForks && saga.Strategy != FixStrategy.Rerun
            ? "Fork pull request, pushes not allowed: Agentic does not write to a fork's branch unless the repository sets " +
              "fork_pull_requests: push in .github/agentic.yml on its default branch, so no change was attempted. Diagnosis: " + saga.RootCause
            : null;
    }

    /// <summary>
    /// The strategy of the next attempt after one that was not validated. A deterministic command (a formatter or lint
    /// fixer) that changed nothing, or whose change did not validate, would do exactly the same again: it is never
    /// dispatched twice, the next attempt is an LLM edit (the dispatcher rejects it, saying why, when no model is
    /// configured). A timeout may be the machine's, so it keeps the strategy.
    /// </summary>
    public static FixStrategy? StrategyAfter(FixWorkflowState saga, ExecutionOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return saga.Strategy == FixStrategy.Deterministic && outcome is ExecutionOutcome.NoChange or ExecutionOutcome.ValidationFailed
            ? FixStrategy.LlmEdit
            : saga.Strategy;
    }

    /// <summary>
    /// A dependency fix (the analyzer's category says so): the only change that may touch lockfiles and
    /// <c>Directory.Packages.props</c>.
    /// </summary>
    public static bool IsDependencyFix(FixWorkflowState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return saga.Category == FailureCategory.Dependency;
    }
}
