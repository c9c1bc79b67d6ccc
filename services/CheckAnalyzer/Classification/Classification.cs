using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>A verdict: category, strategy, how sure, why, the files involved, and the other categories whose signals were also valid (not acted on).</summary>
public sealed record Classification(FailureCategory Category, FixStrategy Strategy, double Confidence, string RootCause, IReadOnlyList<string> Files, string Rule, IReadOnlyList<string> Conflicts)
{
    /// <summary>For a format or lint failure: the tool of the findings (or of the signal) that classified it.</summary>
    public string? Tool { get; init; }

    /// <summary>The codes (analyzer ids, rules) that tool reported, at most 50.</summary>
    public IReadOnlyList<string> Codes { get; init; } = [];
}
