namespace Agentic.AppHost.Hosting;

/// <summary>The resources, in the order they were added.</summary>
public sealed class ApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;
}
