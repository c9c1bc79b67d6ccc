namespace Agentic.Contracts.Common;

/// <summary>How the workflow intends to deal with a diagnosed failure.</summary>
public enum FixStrategy
{
    /// <summary>Nothing safe to try: report the diagnosis to a human.</summary>
    Escalate = 0,

    /// <summary>Run the repository's own formatter or linter fixers; no LLM.</summary>
    Deterministic = 1,

    /// <summary>An LLM proposes a diff which is applied and validated, within caps.</summary>
    LlmEdit = 2,

    /// <summary>Re-run the failed job: infrastructure trouble or a flaky test; no code change.</summary>
    Rerun = 3,
}
