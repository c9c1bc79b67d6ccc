using Microsoft.Extensions.Configuration;

namespace Agentic.AppHost.Hosting;

/// <summary>The application model under construction (Aspire's <c>IDistributedApplicationBuilder</c>).</summary>
public interface IDistributedApplicationBuilder
{
    IConfiguration Configuration { get; }

    /// <summary>The repository root; project paths are relative to it.</summary>
    string RepositoryRoot { get; }

    IReadOnlyList<IResource> Resources { get; }

    IResourceBuilder<T> AddResource<T>(T resource)
        where T : IResource;

    IResourceBuilder<T> CreateResourceBuilder<T>(T resource)
        where T : IResource;
}
