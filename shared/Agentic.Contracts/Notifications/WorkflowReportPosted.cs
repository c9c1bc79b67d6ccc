namespace Agentic.Contracts.Notifications;

/// <summary>The Notifier created or updated a workflow's report.</summary>
public sealed record WorkflowReportPosted
{
    public required Guid CorrelationId { get; init; }
    public required RequestSource Source { get; init; }
    public required string ExternalId { get; init; }
    public required int Sequence { get; init; }
}
