namespace Agentic.Contracts.Ingress;

/// <summary>The GitHub App was installed, removed, suspended, or its repository selection changed (installation, installation_repositories).</summary>
public sealed record InstallationChanged
{
    /// <summary>The workflow correlation id, assigned at the edge with NewId.</summary>
    public required Guid CorrelationId { get; init; }
    /// <summary>The provider's delivery id (X-GitHub-Delivery, Slack event id, Linear-Delivery): the dedupe key.</summary>
    public required string DeliveryId { get; init; }

    public required long InstallationId { get; init; }
    public required string Account { get; init; }

    /// <summary>created, deleted, suspend, unsuspend, added, removed, new_permissions_accepted.</summary>
    public required string Action { get; init; }
    public required IReadOnlyList<RepositoryRef> RepositoriesAdded { get; init; }
    public required IReadOnlyList<RepositoryRef> RepositoriesRemoved { get; init; }
}
