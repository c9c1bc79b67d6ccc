using Agentic.AppHost.Hosting;
using Agentic.Persistence;
using Npgsql;

namespace Agentic.AppHost;

public static class MigrationExtensions
{
    /// <summary>The AppHost command that applies the migrations where the AppHost does not run the system (Kubernetes).</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>
    /// Applies Agentic's numbered SQL migrations (<see cref="DatabaseMigrator"/>) before the database reports healthy;
    /// in Kubernetes manifests, the AppHost image's <c>migrate</c> command does the same before each workload starts.
    /// </summary>
    public static IResourceBuilder<PostgresDatabaseResource> WithMigrations(this IResourceBuilder<PostgresDatabaseResource> database) =>
        database
            .WithInitializer("schema migrations", (connectionString, services, cancellationToken) =>
                MigrateAsync(connectionString, services.GetRequiredService<ILogger<DatabaseMigrator>>(), cancellationToken))
            .WithAnnotation(new DeploymentInitializerAnnotation(MigrateCommand, [MigrateCommand]));

    public static async Task<MigrationResult> MigrateAsync(string connectionString, ILogger<DatabaseMigrator> logger, CancellationToken cancellationToken)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        return await new DatabaseMigrator(dataSource, logger).MigrateAsync(cancellationToken);
    }
}
