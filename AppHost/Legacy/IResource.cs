namespace Agentic.AppHost.Hosting;

/// <summary>Something the AppHost runs or provides, named as in <see cref="Agentic.ServiceDefaults.ResourceNames"/>.</summary>
public interface IResource
{
    string Name { get; }

    /// <summary>Shown on the dashboard: <c>postgres</c>, <c>database</c>, <c>rabbitmq</c> or <c>project</c>.</summary>
    string Type { get; }

    IList<IResourceAnnotation> Annotations { get; }
}

/// <summary>Metadata attached to a resource by the builder methods (references, waits, endpoints ...).</summary>
public interface IResourceAnnotation;

/// <summary>A resource others reference by connection string (<c>ConnectionStrings__&lt;name&gt;</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The connection string, once the resource runs; null before.</summary>
    string? ConnectionString { get; }
}

/// <summary>A resource that lives inside another one (a database in a server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}
