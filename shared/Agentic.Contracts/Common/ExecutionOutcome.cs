namespace Agentic.Contracts.Common;

/// <summary>How a sandboxed command ended.</summary>
public enum ExecutionOutcome
{
    /// <summary>The command ran and its validation (build, tests, linters) passed; a patch may be attached.</summary>
    Validated = 0,

    /// <summary>The command ran but validation failed.</summary>
    ValidationFailed = 1,

    /// <summary>The command ran and changed nothing.</summary>
    NoChange = 2,

    /// <summary>The command or its patch was refused by policy (protected paths, size caps, not allowed).</summary>
    Refused = 3,

    /// <summary>The command exceeded its time, memory or output limits.</summary>
    TimedOut = 4,

    /// <summary>The executor itself failed (workspace, sandbox); not the repository's fault.</summary>
    Error = 5,
}
