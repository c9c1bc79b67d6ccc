using System.Collections.Concurrent;

namespace Agentic.CommandDispatcher.Consumers;

/// <summary>
/// The dispatches this process is working on, by workflow and attempt. A second request for one of them (a re-driven
/// or redelivered <c>DispatchCommand</c> while the model is still being asked) is dropped: the running one answers with
/// the same execution id, and the model is not paid twice for the same attempt.
/// </summary>
public sealed class DispatchesInFlight
{
    private readonly ConcurrentDictionary<(Guid WorkflowId, int Attempt), byte> _running = new();

    /// <summary>True when this dispatch was not running and now is (end it with <see cref="Finish"/>).</summary>
    public bool TryStart(Guid workflowId, int attempt) => _running.TryAdd((workflowId, attempt), 0);

    public void Finish(Guid workflowId, int attempt) => _running.TryRemove((workflowId, attempt), out _);
}
