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

    /// <summary>
    /// The failed CI step, run as CI ran it on the unchanged head, passed here: the failure is flaky or belongs to CI's
    /// environment. No fix was attempted; the job should run again.
    /// </summary>
    NotReproduced = 6,

    /// <summary>
    /// The failed CI step could not be reproduced as it failed in CI: its setup failed, a toolchain or command is missing,
    /// or it failed differently. Our environment differs from CI's; no fix was attempted.
    /// </summary>
    EnvironmentDiffers = 7,
}
