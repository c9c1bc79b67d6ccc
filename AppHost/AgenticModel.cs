using Agentic.AppHost.Hosting;
using Agentic.ServiceDefaults;

namespace Agentic.AppHost;

/// <summary>
/// The system, as Aspire would model it: PostgreSQL with the <c>agentic</c> database (migrated before anyone uses
/// it), RabbitMQ, and the eight services, each referencing both and waiting for both to be healthy; the gateway also
/// references the Result Processor, whose workflows API it fronts.
/// </summary>
public static class AgenticModel
{
    /// <summary>Resource name → folder under <c>services/</c> (project <c>Agentic.&lt;Folder&gt;.csproj</c>).</summary>
    public static IReadOnlyDictionary<string, string> ServiceFolders { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ResourceNames.IngressGateway] = "IngressGateway",
        [ResourceNames.PullRequestDiscovery] = "PullRequestDiscovery",
        [ResourceNames.CheckAnalyzer] = "CheckAnalyzer",
        [ResourceNames.CommandDispatcher] = "CommandDispatcher",
        [ResourceNames.Executor] = "Executor",
        [ResourceNames.ResultProcessor] = "ResultProcessor",
        [ResourceNames.Notifier] = "Notifier",
        [ResourceNames.ReviewOrchestrator] = "ReviewOrchestrator",
    };

    public static void Build(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres);
        var database = postgres.AddDatabase(ResourceNames.Database).WithMigrations();
        var messaging = builder.AddRabbitMQ(ResourceNames.Messaging);

        var workers = ResourceNames.Services.Where(name => name != ResourceNames.IngressGateway)
            .Select(name => AddService(name).WithReference(database).WaitFor(database).WithReference(messaging).WaitFor(messaging))
            .ToList();

        // The Executor runs untrusted code: it holds no GitHub credential, it asks the Result Processor for
        // short-lived read tokens of one repository (ADR-008), so the developer's GitHub__* variables stop here.
        workers.Single(worker => worker.Resource.Name == ResourceNames.Executor).WithoutInheritedEnvironment("GitHub__");

        // The edge opens last: on a first run, an event published before its consumers have bound their queues
        // would be dropped by RabbitMQ, so the gateway waits until every worker is healthy.
        var gateway = AddService(ResourceNames.IngressGateway).WithReference(database).WaitFor(database).WithReference(messaging).WaitFor(messaging);
        // /api/workflows/** is proxied to the Result Processor's read API (services__result-processor__http__0).
        gateway.WithReference(workers.Single(worker => worker.Resource.Name == ResourceNames.ResultProcessor));
        foreach (var worker in workers)
        {
            gateway.WaitFor(worker);
        }

        IResourceBuilder<ProjectResource> AddService(string name)
        {
            var folder = ServiceFolders[name];
            return builder.AddProject(name, $"services/{folder}/Agentic.{folder}.csproj").WithHttpEndpoint();
        }
    }
}
