using System.Globalization;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;
using Npgsql;

namespace Agentic.AppHost.Orchestration;

public sealed class PostgresRunner(
    PostgresServerResource resource,
    StateDirectory stateDirectory,
    LocalSecrets secrets,
    ResourceStateStore states,
    ResourceOutput output,
    ILogger<PostgresRunner> logger) : ResourceRunner(resource, states)
{
    private NpgsqlDataSource? _healthDataSource;

    public PostgresServer? Server { get; private set; }

    public override bool IsEssential => true;

    public override async Task RunAsync(CancellationToken stoppingToken)
    {
        Update(s => s with { State = ResourceStates.Starting });
        Server = new PostgresServer(stateDirectory.PostgresData, new PostgresServerOptions
        {
            Database = null,
            Password = secrets.GetOrCreate(LocalSecrets.PostgresPassword),
            Output = output.For(resource.Name),
            Logger = logger,
            // The services' pools (Database:MaxPoolSize) add up to 172; the default 100 refuses a burst's connections.
            Settings = new Dictionary<string, string> { ["max_connections"] = "200" },
        });
        await SuperviseServerAsync(async token =>
        {
            await Server.StartAsync(token);
            resource.ConnectionString = Server.ConnectionString;
            _healthDataSource ??= NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Timeout = 3, MaxPoolSize = 1 }.ConnectionString);
            return new RunningServer(Server.Completion, Server.Pid, new Uri(string.Create(CultureInfo.InvariantCulture, $"postgres://{PostgresServer.Host}:{Server.Port}")));
        }, logger, stoppingToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Server is null)
        {
            return;
        }

        Update(s => s with { State = ResourceStates.Stopping });
        if (_healthDataSource is not null)
        {
            await _healthDataSource.DisposeAsync();
        }

        await Server.DisposeAsync();
        var exitCode = Server.ExitCode;
        Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unknown, Pid = null, ExitCode = exitCode ?? s.ExitCode });
    }

    public override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (Server is not { IsRunning: true } || _healthDataSource is null)
        {
            return false;
        }

        try
        {
            await using var command = _healthDataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return false;
        }
    }
}
