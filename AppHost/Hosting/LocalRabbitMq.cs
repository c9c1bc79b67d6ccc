using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// RabbitMQ from the machine's binaries, as an executable resource. Everything listens on 127.0.0.1 only; the one
/// account is <see cref="UserName"/> with the installation's password (no <c>guest</c>).
/// </summary>
public sealed class LocalRabbitMqResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "amqp";
    public const string UserName = "agentic";

    public ParameterResource Password { get; } = password;

    public EndpointReference Endpoint => new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{Password}@127.0.0.1:{Endpoint.Property(EndpointProperty.Port)}/");
}

public static class LocalRabbitMqExtensions
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static readonly string[] AdministratorTags = ["administrator"];

    /// <summary>
    /// Adds RabbitMQ with its data in <paramref name="dataDirectory"/> (kept between runs), and its own <c>epmd</c> as a
    /// child resource on a private port (the broker is told not to start a daemon one, which nobody would stop). Runs as
    /// user <c>rabbitmq</c> when the AppHost is root. Healthy once an AMQP login succeeds.
    /// </summary>
    public static IResourceBuilder<LocalRabbitMqResource> AddLocalRabbitMq(
        this IDistributedApplicationBuilder builder, string name, string dataDirectory, IResourceBuilder<ParameterResource> password)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(password);
        var epmdPath = LocalServers.Require(builder, File.Exists(ServerScript) ? FindEpmd() : null, "RabbitMQ", "rabbitmq-server") ?? "epmd";
        var (amqpPort, epmdPort, distributionPort) = (LocalServers.FreePort(builder), LocalServers.FreePort(builder), LocalServers.FreePort(builder));
        var account = LocalServers.IsRoot ? "rabbitmq" : null;

        var (epmdCommand, epmdPrefix) = LocalServers.RunAs(account, epmdPath);
        var epmd = builder.AddExecutable($"{name}-epmd", epmdCommand, dataDirectory, [.. epmdPrefix, "-address", "127.0.0.1", "-port", epmdPort.ToString(CultureInfo.InvariantCulture)])
            .WithHealthCheck($"{name}-epmd-answers");
        LocalServers.AddProbe(builder, $"{name}-epmd-answers", cancellationToken => AskEpmdAsync(epmdPort, cancellationToken), exception => exception is SocketException or IOException);

        var (command, prefix) = LocalServers.RunAs(account, ServerScript);
        var resource = new LocalRabbitMqResource(name, command, dataDirectory, password.Resource);
        LocalServers.AddProbe(builder, $"{name}-accepts-logins", async cancellationToken =>
        {
            var factory = new ConnectionFactory
            {
                Uri = new Uri((await resource.ConnectionStringExpression.GetValueAsync(cancellationToken))!),
                AutomaticRecoveryEnabled = false,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "agentic-apphost-health",
            };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            await connection.CloseAsync(cancellationToken);
        }, exception => exception is RabbitMQ.Client.Exceptions.BrokerUnreachableException or IOException or SocketException);

        // RABBITMQ_ALLOW_INPUT makes the script exec erl (so the pid is beam.smp); -noinput and +B i restore what its default mode passes.
        var broker = builder.AddResource(resource)
            .WithArgs([.. prefix, "-noinput", "+B", "i"])
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "amqp", name: LocalRabbitMqResource.EndpointName, isProxied: false)
            .WithEnvironment(context =>
            {
                var paths = new DataPaths(dataDirectory);
                var environment = context.EnvironmentVariables;
                environment["RABBITMQ_ALLOW_INPUT"] = "true";
                environment["RABBITMQ_NODENAME"] = $"agentic-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..10]}@localhost";
                environment["RABBITMQ_USE_LONGNAME"] = "false";
                environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
                environment["RABBITMQ_NODE_PORT"] = amqpPort.ToString(CultureInfo.InvariantCulture);
                environment["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture);
                environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
                environment["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture);
                environment["RABBITMQ_MNESIA_BASE"] = paths.Mnesia;
                environment["RABBITMQ_LOG_BASE"] = paths.Log;
                environment["RABBITMQ_CONFIG_FILE"] = paths.Config;
                environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(dataDirectory, "advanced.config");
                environment["RABBITMQ_CONF_ENV_FILE"] = paths.EnvironmentFile;
                environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = paths.EnabledPlugins;
                environment["RABBITMQ_PID_FILE"] = Path.Combine(paths.Mnesia, "broker.pid");
                environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}";
                environment["ERL_CRASH_DUMP"] = Path.Combine(paths.Log, "erl_crash.dump");
                environment["HOME"] = paths.Home;
                environment["LC_ALL"] = "C.UTF-8";
            })
            .WithHealthCheck($"{name}-accepts-logins")
            .WaitFor(epmd)
            .OnBeforeResourceStarted(async (rabbitMq, _, cancellationToken) =>
                await PrepareAsync(new DataPaths(dataDirectory), amqpPort, account, await rabbitMq.Password.GetValueAsync(cancellationToken), cancellationToken));
        epmd.WithParentRelationship(broker).OnBeforeResourceStarted(async (_, _, cancellationToken) =>
        {
            Directory.CreateDirectory(dataDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            await LocalServers.GiveAsync(account, [dataDirectory], cancellationToken);
        });
        return broker;
    }

    private static string? FindEpmd() =>
        (Directory.Exists("/usr/lib/erlang")
            ? Directory.EnumerateDirectories("/usr/lib/erlang", "erts-*").Select(erts => Path.Combine(erts, "bin", "epmd")).Where(File.Exists).Max(StringComparer.Ordinal)
            : null) ?? (File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : null);

    /// <summary>
    /// The configuration, written at every start: listener on 127.0.0.1, the account imported from a definitions file
    /// (only the password's salted hash is in it; importing it also keeps the broker from seeding <c>guest</c>).
    /// </summary>
    private static async Task PrepareAsync(DataPaths paths, int port, string? account, string? password, CancellationToken cancellationToken)
    {
        foreach (var folder in (string[])[paths.Root, paths.Home, paths.Mnesia, paths.Log])
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        await File.WriteAllTextAsync(paths.Config, $"""
            # Written by the Agentic AppHost at every start; edits are overwritten.
            listeners.tcp.default = 127.0.0.1:{port}
            definitions.import_backend = local_filesystem
            definitions.local.path = {paths.Definitions}
            log.console = true
            log.console.level = warning
            log.file.level = info

            """, cancellationToken);
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = Convert.ToBase64String([.. salt, .. SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password ?? string.Empty)])]);
        await File.WriteAllTextAsync(paths.Definitions, JsonSerializer.Serialize(new
        {
            users = new[] { new { name = LocalRabbitMqResource.UserName, password_hash = hash, hashing_algorithm = "rabbit_password_hashing_sha256", tags = AdministratorTags } },
            vhosts = new[] { new { name = "/" } },
            permissions = new[] { new { user = LocalRabbitMqResource.UserName, vhost = "/", configure = ".*", write = ".*", read = ".*" } },
        }), cancellationToken);
        File.SetUnixFileMode(paths.Definitions, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(paths.EnabledPlugins, "[].\n", cancellationToken);
        await File.WriteAllTextAsync(paths.EnvironmentFile, "# Intentionally empty: the AppHost sets the environment.\n", cancellationToken);
        await LocalServers.GiveAsync(account, [paths.Root], cancellationToken);
    }

    /// <summary>Waits for an answer to a NAMES request (a bare connect would make epmd log "got partial packet").</summary>
    private static async Task AskEpmdAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0, 1, (byte)'n' }, cancellationToken);
        await stream.ReadExactlyAsync(new byte[4], cancellationToken);
    }

    private sealed record DataPaths(string Root)
    {
        public string Home => Path.Combine(Root, "home");
        public string Mnesia => Path.Combine(Root, "mnesia");
        public string Log => Path.Combine(Root, "log");
        public string Config => Path.Combine(Root, "rabbitmq.conf");
        public string EnvironmentFile => Path.Combine(Root, "rabbitmq-env.conf");
        public string EnabledPlugins => Path.Combine(Root, "enabled_plugins");
        public string Definitions => Path.Combine(Root, "definitions.json");
    }
}
