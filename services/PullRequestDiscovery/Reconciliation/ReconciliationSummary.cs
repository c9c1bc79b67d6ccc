namespace Agentic.PullRequestDiscovery.Reconciliation;

/// <summary>What one reconciliation cycle did. Requests and 304s are the GitHub client's counters over the cycle.</summary>
public sealed record ReconciliationSummary(
    int Repositories,
    int FailedRepositories,
    long Requests,
    long NotModified,
    int PullRequestsChanged,
    int PullRequestsClosed,
    int DetectedFailures,
    TimeSpan Duration);
