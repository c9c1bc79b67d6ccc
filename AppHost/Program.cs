using Agentic.AppHost.Hosting;
using Agentic.AppHost.Publishing;
using Agentic.ServiceDefaults;

var commandLine = AppHostCommandLine.Root.Parse(args);
if (AppHostCommandLine.Reply(commandLine) is { } exitCode)
{
    return exitCode;
}

var settings = AppHostCommandLine.Settings(commandLine);
var publish = AppHostCommandLine.PublishOptions(commandLine);
using var state = new StateDirectory(StateDirectory.Resolve(settings.StateDirectory));
try
{
    if (publish is null)
    {
        settings.EnsureDashboardPortIsFree();
        settings.Prepare(state);
    }

    var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
    {
        Args = publish is null ? [] : ["--operation", "publish"],
        AllowUnsecuredTransport = true,
    });

    // The model: PostgreSQL and RabbitMQ from this machine's binaries, the migrations, then the eight services.
    // With --containers (where Docker or Podman exists), Aspire's official container resources instead, data in volumes.
    var (postgresPassword, rabbitMqPassword) = (builder.AddLocalSecret(LocalSecrets.PostgresPassword, state), builder.AddLocalSecret(LocalSecrets.RabbitMqPassword, state));
    var containers = settings.Containers && publish is null;
    IResourceBuilder<IResourceWithConnectionString> postgres = containers
        ? builder.AddPostgres(ResourceNames.Postgres, password: postgresPassword).WithDataVolume().AddDatabase(ResourceNames.Database)
        : builder.AddLocalPostgres(ResourceNames.Postgres, ResourceNames.Database, state.PostgresData, postgresPassword);
    IResourceBuilder<IResourceWithConnectionString> messaging = containers
        ? builder.AddRabbitMQ(ResourceNames.Messaging, password: rabbitMqPassword).WithDataVolume()
        : builder.AddLocalRabbitMq(ResourceNames.Messaging, state.RabbitMqData, rabbitMqPassword);
    var migrations = builder.AddBuiltProject<Projects.Agentic_Migrator>(AgenticResources.Migrations).WithReference(postgres, ResourceNames.Database).WaitFor(postgres);
    var demo = settings.Demo && publish is null ? builder.AddDemoGitHub(state, settings.GatewayPort, settings.DemoPort) : null;

    var workers = new[]
    {
        builder.AddService<Projects.Agentic_PullRequestDiscovery>(ResourceNames.PullRequestDiscovery, state),
        builder.AddService<Projects.Agentic_CheckAnalyzer>(ResourceNames.CheckAnalyzer, state),
        builder.AddService<Projects.Agentic_CommandDispatcher>(ResourceNames.CommandDispatcher, state),
        // Runs untrusted code: no GitHub credential, it asks the Result Processor for short-lived tokens (ADR-008).
        builder.AddService<Projects.Agentic_Executor>(ResourceNames.Executor, state, withGitHub: false),
        builder.AddService<Projects.Agentic_ResultProcessor>(ResourceNames.ResultProcessor, state),
        builder.AddService<Projects.Agentic_Notifier>(ResourceNames.Notifier, state),
        builder.AddService<Projects.Agentic_ReviewOrchestrator>(ResourceNames.ReviewOrchestrator, state),
    }.Select(worker => worker.WithReference(postgres, ResourceNames.Database).WaitForCompletion(migrations).WithReference(messaging).WaitFor(messaging)).ToList();
    if (demo is not null)
    {
        // Rules only, against the demo GitHub (its app key exists once it is healthy).
        workers.ForEach(worker => worker.WithEnvironment("Llm__Provider", "none").WaitFor(demo));
    }

    var resultProcessor = workers.Single(worker => worker.Resource.Name == ResourceNames.ResultProcessor);
    resultProcessor.WithUrl($"{resultProcessor.GetEndpoint("http")}/workflows", "Workflows");

    // The edge opens last, on a stable port: an event published before its consumers bound their queues would be lost.
    var gateway = builder.AddService<Projects.Agentic_IngressGateway>(ResourceNames.IngressGateway, state, port: settings.GatewayPort)
        .WithReference(postgres, ResourceNames.Database).WaitForCompletion(migrations).WithReference(messaging).WaitFor(messaging)
        .WithReference(resultProcessor);
    workers.ForEach(worker => gateway.WaitFor(worker));

    if (publish is not null)
    {
        return await KubernetesPublisher.RunAsync(ApplicationModel.FromAspire(builder.Resources), publish, Console.Out, Console.Error);
    }

    foreach (var line in new LocalSecrets(state.Secrets).Describe())
    {
        await Console.Out.WriteLineAsync(line);
    }

    if (!AgenticResources.HasGitHubApp)
    {
        await Console.Out.WriteLineAsync(
            "No GitHub App configured (GitHub__Api__App__AppId, GitHub__Api__App__PrivateKey): workflows will end \"GitHub access is not configured\". " +
            "Try ./AppHost/run.sh --demo to watch a failed check get fixed against a local demo GitHub.");
    }

    await using var app = builder.Build();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (exception is LocalServerMissingException or InvalidOperationException or IOException or UnauthorizedAccessException)
{
    await Console.Error.WriteLineAsync(exception.Message);
    return 1;
}
