namespace Agentic.AppHost.Hosting;

/// <summary>The Aspire-style vocabulary of the model: <c>AddPostgres</c>, <c>AddRabbitMQ</c>, <c>AddProject</c>, <c>WithReference</c>, <c>WaitFor</c> ...</summary>
public static class ResourceBuilderExtensions
{
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new PostgresServerResource(name));
    }

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<PostgresServerResource> server, string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var database = new PostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new RabbitMQServerResource(name));
    }

    /// <summary>A project of this repository; <paramref name="projectPath"/> is relative to the repository root.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var fullPath = Path.GetFullPath(Path.Combine(builder.RepositoryRoot, projectPath));
        return builder.AddResource(new ProjectResource(name, fullPath));
    }

    /// <summary><c>ConnectionStrings__&lt;name&gt;</c> for the project.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResourceWithConnectionString> source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        return builder.WithAnnotation(new ConnectionStringReferenceAnnotation(source.Resource));
    }

    /// <summary><c>services__&lt;name&gt;__http__0</c> for the project (service discovery by configuration).</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        return builder.WithAnnotation(new ServiceReferenceAnnotation(source.Resource));
    }

    /// <summary>Start only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        return builder.WithAnnotation(new WaitAnnotation(dependency.Resource));
    }

    /// <summary>An HTTP endpoint on 127.0.0.1 (<c>ASPNETCORE_URLS</c>); without a port, a free one.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null, string name = "http")
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new EndpointAnnotation(name, port));
    }

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new EnvironmentAnnotation(name, value));
    }

    /// <summary>Withholds the AppHost's own variables starting with <paramref name="prefix"/> from the project's process.</summary>
    public static IResourceBuilder<ProjectResource> WithoutInheritedEnvironment(this IResourceBuilder<ProjectResource> builder, string prefix)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return builder.WithAnnotation(new WithheldEnvironmentAnnotation(prefix));
    }

    /// <summary>Runs <paramref name="initializeAsync"/> (given the database's connection string) before the database reports healthy.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> WithInitializer(
        this IResourceBuilder<PostgresDatabaseResource> builder,
        string description,
        Func<string, IServiceProvider, CancellationToken, Task> initializeAsync)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new DatabaseInitializerAnnotation(description, initializeAsync));
    }
}
