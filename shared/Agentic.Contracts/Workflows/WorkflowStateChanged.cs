namespace Agentic.Contracts.Workflows;

/// <summary>A workflow moved from one state to another; feeds the dashboard and the audit log.</summary>
public sealed record WorkflowStateChanged
{
    public required Guid CorrelationId { get; init; }
    public required string Workflow { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required DateTimeOffset At { get; init; }
    public string? Detail { get; init; }
}
