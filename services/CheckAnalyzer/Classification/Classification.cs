using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Classification;

/// <summary>A verdict: category, strategy, how sure, why, and the files involved.</summary>
public sealed record Classification(FailureCategory Category, FixStrategy Strategy, double Confidence, string RootCause, IReadOnlyList<string> Files, string Rule);
