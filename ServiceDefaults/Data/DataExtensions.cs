using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Agentic.ServiceDefaults.Data;

public static class DataExtensions
{
    /// <summary>A singleton <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:agentic</c>, and a readiness check that runs <c>SELECT 1</c>.</summary>
    public static IHostApplicationBuilder AddAgenticDatabase(this IHostApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Database)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ResourceNames.Database} is not set. Start the system with 'dotnet run --project AppHost', " +
                $"or set ConnectionStrings__{ResourceNames.Database}=Host=...;Database=agentic;Username=....");

        builder.Services.AddSingleton(services =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString);
            dataSource.UseLoggerFactory(services.GetRequiredService<ILoggerFactory>());
            dataSource.ConnectionStringBuilder.ApplicationName ??= builder.Environment.ApplicationName;

            // Commands get a span only inside a trace (a request, a message): the relays' and sweepers' polling
            // would otherwise start a new trace every second.
            dataSource.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null));
            return dataSource.Build();
        });
        builder.Services.AddHealthChecks().AddCheck<PostgresHealthCheck>(ResourceNames.Database, tags: [HealthTags.Ready]);
        return builder;
    }

    private sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT 1");
                await command.ExecuteScalarAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL is unreachable: " + ex.Message);
            }
        }
    }
}
