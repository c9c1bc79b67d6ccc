namespace Agentic.AppHost.Hosting;

/// <summary>The resource starts only when <see cref="Target"/> is healthy (Aspire's <c>WaitFor</c>).</summary>
public sealed record WaitAnnotation(IResource Target) : IResourceAnnotation;

/// <summary>The resource gets <c>ConnectionStrings__&lt;target name&gt;</c> (Aspire's <c>WithReference</c>).</summary>
public sealed record ConnectionStringReferenceAnnotation(IResourceWithConnectionString Target) : IResourceAnnotation;

/// <summary>The resource gets <c>services__&lt;target&gt;__http__0</c> (Aspire's service discovery variables).</summary>
public sealed record ServiceReferenceAnnotation(ProjectResource Target) : IResourceAnnotation;

/// <summary>An environment variable for a project's process.</summary>
public sealed record EnvironmentAnnotation(string Name, string Value) : IResourceAnnotation;

/// <summary>
/// The AppHost's own variables starting with <see cref="Prefix"/> (case-insensitive) are not passed on to the project's
/// process, e.g. the GitHub App key for a service that must not hold it.
/// </summary>
public sealed record WithheldEnvironmentAnnotation(string Prefix) : IResourceAnnotation;

/// <summary>An HTTP endpoint on 127.0.0.1; a null port means a free one, chosen at start and kept across restarts.</summary>
public sealed record EndpointAnnotation(string Name, int? Port) : IResourceAnnotation;

/// <summary>Runs once the database exists and before it reports healthy (the schema migrator).</summary>
public sealed record DatabaseInitializerAnnotation(
    string Description,
    Func<string, IServiceProvider, CancellationToken, Task> InitializeAsync) : IResourceAnnotation;

/// <summary>
/// How a deployment runs the resource's <see cref="DatabaseInitializerAnnotation"/>: the AppHost's own image with
/// <paramref name="Arguments"/>, as an init container of every workload that waits for the database (ADR-007).
/// </summary>
public sealed record DeploymentInitializerAnnotation(string Name, IReadOnlyList<string> Arguments) : IResourceAnnotation;
