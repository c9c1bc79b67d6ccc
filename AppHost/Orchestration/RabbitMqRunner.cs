using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;

namespace Agentic.AppHost.Orchestration;

public sealed class RabbitMqRunner(
    RabbitMQServerResource resource,
    StateDirectory stateDirectory,
    LocalSecrets secrets,
    ResourceStateStore states,
    ResourceOutput output,
    ILogger<RabbitMqRunner> logger) : ResourceRunner(resource, states)
{
    public RabbitMqServer? Server { get; private set; }

    public override bool IsEssential => true;

    public override async Task RunAsync(CancellationToken stoppingToken)
    {
        Update(s => s with { State = ResourceStates.Starting });
        Server = new RabbitMqServer(stateDirectory.RabbitMqData, new RabbitMqServerOptions
        {
            Password = secrets.GetOrCreate(LocalSecrets.RabbitMqPassword),
            Output = output.For(resource.Name),
            Logger = logger,
        });
        await SuperviseServerAsync(async token =>
        {
            await Server.StartAsync(token);
            resource.ConnectionString = Server.ConnectionString;
            return new RunningServer(Server.Completion, Server.Pid, Server.Endpoint);
        }, logger, stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Server is null)
        {
            return;
        }

        Update(s => s with { State = ResourceStates.Stopping });
        await Server.DisposeAsync();
        var exitCode = Server.ExitCode;
        Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unknown, Pid = null, ExitCode = exitCode ?? s.ExitCode });
    }

    public override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken) =>
        Server is { IsRunning: true } server && await RabbitMqServer.IsListeningAsync(server.Port, cancellationToken);
}
