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
    public const string MaxPoolSizeKey = "Database:MaxPoolSize";

    /// <summary>
    /// A singleton <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:agentic</c>, and a readiness check that runs
    /// <c>SELECT 1</c>. <c>Database:MaxPoolSize</c>, when set, caps this service's connections: every service shares one
    /// server, whose <c>max_connections</c> must exceed the sum of the caps (172 with the shipped settings), so a burst
    /// waits for a pooled connection instead of being refused by the server ("too many clients") and retried.
    /// </summary>
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
            if (builder.Configuration.GetValue<int?>(MaxPoolSizeKey) is { } maxPoolSize)
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = maxPoolSize is >= 1 and <= 1_000
                    ? maxPoolSize
                    : throw new InvalidOperationException($"{MaxPoolSizeKey} must be 1..1000, not {maxPoolSize}.");
                dataSource.ConnectionStringBuilder.MinPoolSize = Math.Min(dataSource.ConnectionStringBuilder.MinPoolSize, maxPoolSize);
            }

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
