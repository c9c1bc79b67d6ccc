using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>A verdict: category, strategy, how sure, why, the files involved, and the other categories whose signals were also valid (not acted on).</summary>
public sealed record Classification(FailureCategory Category, FixStrategy Strategy, double Confidence, string RootCause, IReadOnlyList<string> Files, string Rule, IReadOnlyList<string> Conflicts)
{
    /// <summary>For a format or lint failure: the tool (for a dependency failure, the package manager: npm, nuget, pip) of the findings (or of the signal) that classified it.</summary>
    public string? Tool { get; init; }

    /// <summary>The codes (analyzer ids, rules) that tool reported, at most 50.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];

    /// <summary>For a dependency failure: the packages the package manager could not resolve (untrusted names from the log).</summary>
    public IReadOnlyList<string> Packages { get; init; } = [];
}
