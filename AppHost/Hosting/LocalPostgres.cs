using System.Globalization;
using Npgsql;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// PostgreSQL from the machine's binaries, as an executable resource (the container resources need Docker). Its
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
        var bin = LocalServers.Require(builder, FindBinDirectory(), "PostgreSQL", "postgresql") ?? "/usr/lib/postgresql/bin";
        var port = LocalServers.FreePort(builder);
        var account = LocalServers.IsRoot ? "postgres" : null;
        var (command, prefix) = LocalServers.RunAs(account, Path.Combine(bin, "postgres"));
        var resource = new LocalPostgresResource(name, command, dataDirectory, databaseName, password.Resource);
        LocalServers.AddProbe(builder, $"{name}-accepts-connections", async cancellationToken =>
        {
            var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
            var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Timeout = 3 };
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
        }, exception => exception is NpgsqlException or TimeoutException);

        return builder.AddResource(resource)
            .WithArgs([.. prefix, "-D", dataDirectory, "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200", "-p", port.ToString(CultureInfo.InvariantCulture)])
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: LocalPostgresResource.EndpointName, isProxied: false)
            .WithHealthCheck($"{name}-accepts-connections")
            .OnBeforeResourceStarted(async (postgres, _, cancellationToken) =>
                await InitializeAsync(Path.Combine(bin, "initdb"), dataDirectory, account, await postgres.Password.GetValueAsync(cancellationToken), cancellationToken));
    }

    /// <summary>The highest installed <c>/usr/lib/postgresql/*/bin</c> with <c>initdb</c> and <c>postgres</c>, or null.</summary>
    public static string? FindBinDirectory() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")) && File.Exists(Path.Combine(bin, "postgres")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), CultureInfo.InvariantCulture, out var major) ? major : 0)
                .FirstOrDefault()
            : null;

    /// <summary>On the first run, <c>initdb</c>: superuser <c>postgres</c> with the password, <c>scram-sha-256</c> over TCP, <c>peer</c> on the socket.</summary>
    private static async Task InitializeAsync(string initdb, string dataDirectory, string? account, string? password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        // initdb reads the password from a file in a folder only the server's account can read, removed right after.
        var passwordFolder = dataDirectory + ".init";
        Directory.CreateDirectory(passwordFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var passwordFile = Path.Combine(passwordFolder, "password");
        await File.WriteAllTextAsync(passwordFile, password + "\n", cancellationToken);
        try
        {
            await LocalServers.GiveAsync(account, [dataDirectory, passwordFolder], cancellationToken);
            var (command, prefix) = LocalServers.RunAs(account, initdb);
            await LocalServers.RunAsync(command,
            [
                .. prefix, "-D", dataDirectory, "-U", "postgres", "--pwfile=" + passwordFile, "--auth-host=scram-sha-256",
                "--auth-local=peer", "--encoding=UTF8", "--locale=C", "--no-instructions",
            ], cancellationToken);
        }
        finally
        {
            Directory.Delete(passwordFolder, recursive: true);
        }
    }
}
