using Agentic.CheckAnalyzer.Logs;
using Agentic.Contracts.Common;

namespace Agentic.CheckAnalyzer.Evidence;

/// <summary>The reduced evidence of a failed check and where it came from.</summary>
/// <param name="Source">job-log or check-run-output.</param>
/// <param name="Log">The reduced log with its findings and signals.</param>
/// <param name="PassedElsewhere">The same check passed on the same head SHA in another run or attempt.</param>
/// <param name="Job">The CI job and failed step (GitHub Actions), validated; null when unknown.</param>
public sealed record FailureEvidence(string Source, ReducedLog Log, bool PassedElsewhere, CiJobReference? Job = null);

/// <summary>Evidence could not be fetched; <see cref="Exception.Message"/> is the reason reported to the workflow.</summary>
public sealed class EvidenceUnavailableException : Exception
{
    public EvidenceUnavailableException()
    {
    }

    public EvidenceUnavailableException(string message)
        : base(message)
    {
    }

    public EvidenceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
