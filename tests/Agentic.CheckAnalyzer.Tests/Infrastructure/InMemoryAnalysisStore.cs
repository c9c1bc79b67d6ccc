using System.Collections.Concurrent;
using Agentic.CheckAnalyzer.Persistence;

namespace Agentic.CheckAnalyzer.Tests.Infrastructure;

/// <summary>The analyses table's contract in memory, for tests of the analyzer's own logic.</summary>
internal sealed class InMemoryAnalysisStore : IAnalysisStore
{
    private readonly ConcurrentDictionary<Guid, StoredAnalysis> _rows = new();

    public IReadOnlyCollection<StoredAnalysis> Rows => [.. _rows.Values];

    public Task<StoredAnalysis?> FindByWorkflowAsync(Guid workflowId, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryGetValue(workflowId, out var row) ? row : null);

    public Task<StoredAnalysis?> FindLlmAnalysisAsync(long installationId, long repositoryId, string logHash, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.Values.FirstOrDefault(r => r.InstallationId == installationId && r.RepositoryId == repositoryId && r.LogHash == logHash && r.LlmCalls > 0));

    public Task<bool> InsertAsync(StoredAnalysis analysis, CancellationToken cancellationToken) =>
        Task.FromResult(_rows.TryAdd(analysis.WorkflowId, analysis));
}
