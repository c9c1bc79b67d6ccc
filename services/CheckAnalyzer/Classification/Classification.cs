using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>A verdict: category, strategy, how sure, why, the files involved, and the other categories whose signals were also valid (not acted on).</summary>
public sealed record Classification(FailureCategory Category, FixStrategy Strategy, double Confidence, string RootCause, IReadOnlyList<string> Files, string Rule, IReadOnlyList<string> Conflicts);
