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
            ? "Diagnosed; fork pull request: Agentic does not push to a branch in another repository's fork on its author's behalf, " +
              "so no change was attempted (set fork_pull_requests: push in .github/agentic.yml on the default branch to allow). Diagnosis: " + saga.RootCause
            : null;
    }

    /// <summary>Lockfiles may change only in a dependency fix (the analyzer's category says so).</summary>
    public static bool AllowsLockfiles(FixWorkflowState saga)
    {
        ArgumentNullException.ThrowIfNull(saga);
        return saga.Category == FailureCategory.Dependency;
    }
}
