using Agentic.CheckAnalyzer.Logs;
using Agentic.Contracts.Analysis;

namespace Agentic.CheckAnalyzer.Evidence;

/// <summary>Where failure evidence comes from (GitHub in production).</summary>
public interface IEvidenceSource
{
    /// <summary>False when no credentials are configured: the analyzer answers without trying.</summary>
    bool IsConfigured { get; }

    /// <summary>Fetches and reduces the evidence; throws <see cref="EvidenceUnavailableException"/> with a reason when it cannot.</summary>
    Task<FailureEvidence> FetchAsync(AnalyzeCheckFailure request, LogReductionSettings settings, CancellationToken cancellationToken);
}
