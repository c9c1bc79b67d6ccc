namespace Agentic.Executor.Workspaces;

/// <summary>A workspace could not be prepared (clone, fetch, checkout).</summary>
public sealed class WorkspaceException(string message) : Exception(message);
