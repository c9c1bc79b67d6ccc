using Agentic.AppHost.Hosting;
using Agentic.Persistence;
using Npgsql;

namespace Agentic.AppHost;

public static class MigrationExtensions
{
    /// <summary>Applies Agentic's numbered SQL migrations (<see cref="DatabaseMigrator"/>) before the database reports healthy.</summary>
    public static IResourceBuilder<PostgresDatabaseResource> WithMigrations(this IResourceBuilder<PostgresDatabaseResource> database) =>
        database.WithInitializer("schema migrations", async (connectionString, services, cancellationToken) =>
        {
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var migrator = new DatabaseMigrator(dataSource, services.GetRequiredService<ILogger<DatabaseMigrator>>());
            await migrator.MigrateAsync(cancellationToken);
        });
}
