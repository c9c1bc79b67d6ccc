using System.Globalization;
using Agentic.AppHost.Hosting;
using Npgsql;

namespace Agentic.AppHost.Orchestration;

/// <summary>Creates the database on its server, runs its initializers (the schema migrator), then reports healthy.</summary>
public sealed class DatabaseRunner(
    PostgresDatabaseResource resource,
    PostgresRunner server,
    IServiceProvider services,
    ResourceStateStore states,
    ILogger<DatabaseRunner> logger) : ResourceRunner(resource, states)
{
    private NpgsqlDataSource? _healthDataSource;

    public override bool IsEssential => true;

    public override async Task RunAsync(CancellationToken stoppingToken)
    {
        var postgres = server.Server ?? throw new InvalidOperationException($"{server.Resource.Name} is not running.");
        Update(s => s with { State = ResourceStates.Starting });
        await postgres.CreateDatabaseAsync(resource.DatabaseName, stoppingToken);
        var connectionString = postgres.GetConnectionString(resource.DatabaseName);
        foreach (var initializer in resource.Annotations.OfType<DatabaseInitializerAnnotation>())
        {
            OrchestratorLog.RunningInitializer(logger, initializer.Description, resource.Name);
            await initializer.InitializeAsync(connectionString, services, stoppingToken);
        }

        resource.ConnectionString = connectionString;
        _healthDataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 3, MaxPoolSize = 1 }.ConnectionString);
        Update(s => s with
        {
            State = ResourceStates.Running,
            Health = HealthStates.Healthy,
            Url = new Uri(string.Create(CultureInfo.InvariantCulture, $"postgres://{Infrastructure.PostgresServer.Host}:{postgres.Port}/{resource.DatabaseName}")),
        });
        Ready.TrySetResult();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_healthDataSource is not null)
        {
            await _healthDataSource.DisposeAsync();
            _healthDataSource = null;
            Update(s => s with { State = ResourceStates.Exited, Health = HealthStates.Unknown });
        }
    }

    public override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (_healthDataSource is null)
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
