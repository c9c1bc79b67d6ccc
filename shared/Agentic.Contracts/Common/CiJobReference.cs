namespace Agentic.Contracts.Common;

/// <summary>
/// Where a failed check ran in CI, as the Check Analyzer learned it from the CI system (for GitHub Actions: the job and
/// its run): enough for the Executor to find the job and the failed step in the workflow file at the head SHA and
/// reproduce it. Every field is untrusted text from the repository and the CI system.
/// </summary>
public sealed record CiJobReference
{
    /// <summary>The workflow file relative to the repository root, e.g. <c>.github/workflows/ci.yml</c>.</summary>
    public required string WorkflowPath { get; init; }

    /// <summary>The job's display name as CI shows it (the check run's name), e.g. <c>test (20.x)</c>.</summary>
    public required string JobName { get; init; }

    /// <summary>The failed step's name as CI shows it, e.g. <c>Run npm test</c> or the step's <c>name:</c>.</summary>
    public string? FailedStepName { get; init; }

    /// <summary>The failed step's 1-based number in the job as CI counts it (set-up steps included), when known.</summary>
    public int? FailedStepNumber { get; init; }

    /// <summary>The first line of the failed step's command as the job log shows it (<c>##[group]Run …</c>), when known.</summary>
    public string? FailedStepCommand { get; init; }
}
