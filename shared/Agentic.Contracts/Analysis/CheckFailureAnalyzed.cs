namespace Agentic.Contracts.Analysis;

/// <summary>The Check Analyzer's verdict on a failed check.</summary>
public sealed record CheckFailureAnalyzed
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required FailureCategory Category { get; init; }
    public required FixStrategy Strategy { get; init; }

    /// <summary>0..1: how sure the analyzer is of the root cause.</summary>
    public required double Confidence { get; init; }
    public required string RootCause { get; init; }

    /// <summary>The relevant excerpt of the evidence (errors with context), already cut to a budget.</summary>
    public required string Evidence { get; init; }

    /// <summary>Files the diagnosis points at, relative to the repository root.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>
    /// For a format or lint failure, the tool whose findings or signal classified it (e.g. <c>prettier</c>, <c>eslint</c>,
    /// <c>xo</c>, <c>msbuild</c> for dotnet format and analyzer ids); for a dependency failure the package manager
    /// (<c>npm</c>, <c>nuget</c>, <c>pip</c>); null when none was recognised.
    /// </summary>
    public string? Tool { get; init; }

    /// <summary>The diagnostic ids or rules that tool reported (e.g. <c>IDE0055</c>, <c>CA1822</c>, <c>prefer-const</c>); empty when none.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>
    /// For a dependency failure (<see cref="Tool"/> is then the package manager: <c>npm</c>, <c>nuget</c>, <c>pip</c>):
    /// the packages it could not resolve, as the log names them (untrusted; checked against the ecosystem's grammar
    /// before any use). Empty otherwise, and on a re-published stored verdict.
    /// </summary>
    public IReadOnlyList<string> Packages { get; init; } = [];
    public required LlmUsage Usage { get; init; }

    /// <summary>
    /// Answer to a rules-only triage: the rules classified the failure but its root cause needs an LLM diagnosis, which
    /// was not made. The verdict is provisional; ask again without <see cref="AnalyzeCheckFailure.RulesOnly"/>.
    /// </summary>
    public bool NeedsLlm { get; init; }

    /// <summary>Where the check ran in CI (workflow, job, failed step), when the CI system told; the Executor reproduces that step.</summary>
    public CiJobReference? Job { get; init; }
}
