using Agentic.AppHost.Hosting;
using AspireModel = Aspire.Hosting.ApplicationModel;

namespace Agentic.AppHost.Publishing;

// What the Kubernetes generator reads: the resources of Aspire's application model, reduced to what a cluster needs.
// Types of this namespace win over Aspire's of the same name (global usings) inside Agentic.AppHost.Publishing.

/// <summary>Something the model deploys, named as in <see cref="Agentic.ServiceDefaults.ResourceNames"/>.</summary>
public interface IResource
{
    string Name { get; }

    /// <summary><c>postgres</c>, <c>database</c>, <c>rabbitmq</c> or <c>project</c> (a label value).</summary>
    string Type { get; }

    IList<IResourceAnnotation> Annotations { get; }
}

public interface IResourceAnnotation;

public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    public abstract string Type { get; }

    public IList<IResourceAnnotation> Annotations { get; } = [];

    public override string ToString() => $"{Type} {Name}";
}

public sealed class PostgresServerResource(string name) : Resource(name)
{
    public override string Type => "postgres";

    public IList<PostgresDatabaseResource> Databases { get; } = [];
}

/// <summary>The database services reference (<c>ConnectionStrings__&lt;name&gt;</c>).</summary>
public sealed class PostgresDatabaseResource(string name, string databaseName, PostgresServerResource server) : Resource(name)
{
    public override string Type => "database";

    public string DatabaseName { get; } = databaseName;

    public PostgresServerResource Server { get; } = server;
}

public sealed class RabbitMQServerResource(string name) : Resource(name)
{
    public override string Type => "rabbitmq";
}

/// <summary>A .NET project of this repository: a Deployment of its image.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    public override string Type => "project";

    public string ProjectPath { get; } = projectPath;
}

/// <summary>The resource starts only once <see cref="Target"/> is up (an init container waits for its Service).</summary>
public sealed record WaitAnnotation(IResource Target) : IResourceAnnotation;

/// <summary>The resource gets <c>ConnectionStrings__&lt;target name&gt;</c> (from the Secret).</summary>
public sealed record ConnectionStringReferenceAnnotation(IResource Target) : IResourceAnnotation;

/// <summary>The resource gets <c>services__&lt;target&gt;__http__0</c>, naming the target's Service.</summary>
public sealed record ServiceReferenceAnnotation(ProjectResource Target) : IResourceAnnotation;

/// <summary>A literal environment variable.</summary>
public sealed record EnvironmentAnnotation(string Name, string Value) : IResourceAnnotation;

/// <summary>The resource must never get the credentials whose keys start with <see cref="Prefix"/> (ADR-008).</summary>
public sealed record WithheldEnvironmentAnnotation(string Prefix) : IResourceAnnotation;

/// <summary>An HTTP endpoint: a container port.</summary>
public sealed record EndpointAnnotation(string Name, int? Port) : IResourceAnnotation;

/// <summary>
/// Runs before any workload that waits for the database: an init container from the image <c>agentic-&lt;Name&gt;</c>
/// (the migrator, AppHost/Migrator), given the database's connection string; no pod starts the AppHost image.
/// </summary>
public sealed record DeploymentInitializerAnnotation(string Name, IReadOnlyList<string> Arguments) : IResourceAnnotation;

/// <summary>The resources, in the order they were added.</summary>
public sealed class ApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;

    /// <summary>
    /// Reads Aspire's model: local PostgreSQL becomes a server and its database, local RabbitMQ a broker (epmd and the
    /// parameters are its own business), each built project a project; a project the others <c>WaitForCompletion</c>
    /// (the migrator) becomes the database's initializer. References, waits and endpoints come from the annotations.
    /// </summary>
    public static ApplicationModel FromAspire(IEnumerable<AspireModel.IResource> aspireResources)
    {
        ArgumentNullException.ThrowIfNull(aspireResources);
        var source = aspireResources.ToList();
        var map = new Dictionary<AspireModel.IResource, IResource>();
        var resources = new List<IResource>();
        PostgresDatabaseResource? database = null;
        var initializers = source.SelectMany(resource => resource.Annotations.OfType<AspireModel.WaitAnnotation>())
            .Where(wait => wait.WaitType == AspireModel.WaitType.WaitForCompletion).Select(wait => wait.Resource).ToHashSet();
        foreach (var resource in source)
        {
            switch (resource)
            {
                case LocalPostgresResource postgres:
                    var server = new PostgresServerResource(postgres.Name);
                    database = new PostgresDatabaseResource(postgres.DatabaseName, postgres.DatabaseName, server);
                    server.Databases.Add(database);
                    resources.AddRange([server, database]);
                    map[postgres] = database;
                    break;
                case LocalRabbitMqResource rabbitMq:
                    resources.Add(map[rabbitMq] = new RabbitMQServerResource(rabbitMq.Name));
                    break;
                case BuiltProjectResource project when initializers.Contains(project):
                    map[project] = database ?? throw new InvalidOperationException($"{project.Name} initializes the database, which must be added first.");
                    database.Annotations.Add(new DeploymentInitializerAnnotation(project.Name, []));
                    break;
                case BuiltProjectResource project:
                    resources.Add(map[project] = new ProjectResource(project.Name, project.ProjectPath));
                    break;
            }
        }

        foreach (var (aspire, ours) in map.Where(pair => pair.Value is ProjectResource))
        {
            foreach (var annotation in aspire.Annotations)
            {
                switch (annotation)
                {
                    case AspireModel.EndpointAnnotation endpoint:
                        ours.Annotations.Add(new EndpointAnnotation(endpoint.Name, null));
                        break;
                    case AspireModel.ResourceRelationshipAnnotation { Type: "Reference", Resource: var target } when map.GetValueOrDefault(target) is { } referenced:
                        ours.Annotations.Add(referenced is ProjectResource project ? new ServiceReferenceAnnotation(project) : new ConnectionStringReferenceAnnotation(referenced));
                        break;
                    case AspireModel.ResourceRelationshipAnnotation:
                        break;
                    case AspireModel.WaitAnnotation { Resource: var target } when map.GetValueOrDefault(target) is { } awaited && !ours.Annotations.Contains(new WaitAnnotation(awaited)):
                        ours.Annotations.Add(new WaitAnnotation(awaited));
                        break;
                    case WithheldCredentialsAnnotation withheld:
                        ours.Annotations.Add(new WithheldEnvironmentAnnotation(withheld.Prefix));
                        break;
                }
            }
        }

        return new ApplicationModel(resources);
    }
}
