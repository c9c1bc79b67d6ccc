namespace Agentic.Contracts.Common;

/// <summary>The final state of a fix workflow.</summary>
public enum WorkflowOutcome
{
    Pushed = 0,
    Proposed = 1,
    Escalated = 2,
    Abandoned = 3,
    Superseded = 4,
    Rerun = 5,
}
