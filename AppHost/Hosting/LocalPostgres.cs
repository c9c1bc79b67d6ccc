using Npgsql;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// PostgreSQL from the machine's binaries (<see cref="PostgresInstallation"/>), as an executable resource (the container
/// resources need Docker). Its
/// connection string points to <see cref="DatabaseName"/> (which the migrator creates); TCP on 127.0.0.1 only, with
/// a password (<c>scram-sha-256</c>), never <c>trust</c>.
/// </summary>
public sealed class LocalPostgresResource(string name, string command, string workingDirectory, string databaseName, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    public string DatabaseName { get; } = databaseName;

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.Port)};Database={DatabaseName};Username=postgres;Password={Password}");
}

public static class LocalPostgresExtensions
{
    /// <summary>
    /// Adds PostgreSQL with its data in <paramref name="dataDirectory"/> (kept between runs; <c>initdb</c> on the first),
    /// run as user <c>postgres</c> when the AppHost is root (PostgreSQL refuses root). Healthy once it answers a query.
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, string name, string databaseName, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);
        var installation = LocalServers.Require(builder, PostgresInstallation.Find(), "PostgreSQL", "postgresql") ?? new PostgresInstallation("/usr/lib/postgresql/bin");
        var port = LocalServers.Port(builder);
        var account = LocalServers.Account(builder, "PostgreSQL", "postgres", "postgresql");
        var (command, prefix) = LocalServers.RunAs(account, installation.Postgres);
        var resource = new LocalPostgresResource(name, command, dataDirectory, databaseName, password.Resource);
        LocalServers.AddProbe(builder, $"{name}-accepts-connections", async cancellationToken =>
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Timeout = 3 };
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }, exception => exception is NpgsqlException or TimeoutException);

        return builder.AddResource(resource)
            .WithArgs([.. prefix, .. PostgresInstallation.ServerArguments(dataDirectory, port, socketDirectory: null, [new("max_connections", "200")])])
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresResource.EndpointName, isProxied: false)
            .WithHealthCheck($"{name}-accepts-connections")
            .OnBeforeResourceStarted(async (postgres, _, cancellationToken) =>
            {
                var password = await postgres.Password.GetValueAsync(cancellationToken) ?? string.Empty;
                await installation.InitializeAsync(dataDirectory, password, account, (initdb, arguments) =>
                {
                    var (initdbCommand, initdbPrefix) = LocalServers.RunAs(account, initdb);
                    return ShortCommand.RunCheckedAsync(initdbCommand, [.. initdbPrefix, .. arguments], cancellationToken);
                }, cancellationToken);
            });
    }
}
