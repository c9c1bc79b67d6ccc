namespace Agentic.Contracts.Ingress;

/// <summary>A repository was deleted or transferred to another owner (GitHub <c>repository</c> deleted / transferred).</summary>
public sealed record RepositoryChanged
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required RepositoryRef Repository { get; init; }

    /// <summary>deleted or transferred.</summary>
    public required string Action { get; init; }
}
