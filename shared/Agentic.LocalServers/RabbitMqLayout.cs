using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Agentic.LocalServers;

/// <summary>
/// A RabbitMQ broker's data folder and how the installed broker is told to use it: every listener (AMQP, its own
/// <c>epmd</c>, the Erlang distribution port) on 127.0.0.1 only, and one account imported from a definitions file at
/// every start, with only its password's salted hash on disk (importing it also keeps the broker from seeding
/// <c>guest</c> into a new data folder).
/// </summary>
public sealed class RabbitMqLayout(string root)
{
    public const string Host = "127.0.0.1";
    public const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    /// <summary>
    /// The broker script's arguments: with <c>RABBITMQ_ALLOW_INPUT</c> (see <see cref="Environment"/>) the script execs
    /// <c>erl</c>, so the pid is <c>beam.smp</c>'s; <c>-noinput</c> and <c>+B i</c> restore what its default mode passes.
    /// </summary>
    public static readonly IReadOnlyList<string> ServerArguments = ["-noinput", "+B", "i"];

    private static readonly string[] AdministratorTags = ["administrator"];

    public string Root { get; } = root;

    public string Home => Path.Combine(Root, "home");

    public string Mnesia => Path.Combine(Root, "mnesia");

    public string Log => Path.Combine(Root, "log");

    public string ConfigFile => Path.Combine(Root, "rabbitmq.conf");

    public string AdvancedConfigFile => Path.Combine(Root, "advanced.config");

    public string EnvironmentFile => Path.Combine(Root, "rabbitmq-env.conf");

    public string EnabledPluginsFile => Path.Combine(Root, "enabled_plugins");

    public string DefinitionsFile => Path.Combine(Root, "definitions.json");

    /// <summary><c>agentic-&lt;hash of the data folder&gt;@localhost</c>: stable for a folder, so its Mnesia data is found again.</summary>
    public string NodeName => $"agentic-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Root)))[..10]}@localhost";

    /// <summary>The installed <c>epmd</c> (the newest <c>/usr/lib/erlang/erts-*/bin/epmd</c>, else <c>/usr/bin/epmd</c>), or null.</summary>
    public static string? FindEpmd() =>
        (Directory.Exists("/usr/lib/erlang")
            ? Directory.EnumerateDirectories("/usr/lib/erlang", "erts-*").Select(erts => Path.Combine(erts, "bin", "epmd")).Where(File.Exists).Max(StringComparer.Ordinal)
            : null) ?? (File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : null);

    /// <summary>True when the broker's script and an <c>epmd</c> are installed.</summary>
    public static bool IsInstalled => File.Exists(ServerScript) && FindEpmd() is not null;

    /// <summary><c>epmd</c>'s arguments: on 127.0.0.1 only, on a port of this broker's own.</summary>
    public static IReadOnlyList<string> EpmdArguments(int epmdPort) => ["-address", Host, "-port", epmdPort.ToString(CultureInfo.InvariantCulture)];

    /// <summary>
    /// Writes the configuration (at every start; edits are overwritten) into private folders: the AMQP listener on
    /// 127.0.0.1:<paramref name="port"/>, the definitions with <paramref name="userName"/> and its password's salted
    /// hash, no plugins, an empty environment file. <paramref name="lockGuest"/> also imports a <c>guest</c> with a
    /// random password nobody knows and no tags, for a node that an older AppHost created with one (an import cannot
    /// delete an account).
    /// </summary>
    public async Task WriteAsync(int port, string userName, string password, bool lockGuest, CancellationToken cancellationToken)
    {
        foreach (var folder in (string[])[Root, Home, Mnesia, Log])
        {
            UnixFolders.Create(folder);
        }

        await File.WriteAllTextAsync(ConfigFile, $"""
            # Written by the Agentic AppHost at every start; edits are overwritten.
            listeners.tcp.default = {Host}:{port}
            definitions.import_backend = local_filesystem
            definitions.local.path = {DefinitionsFile}
            log.console = true
            log.console.level = warning
            log.file.level = info

            """, cancellationToken);
        // The broker reads this file as its own user; only the password's salted hash is in it.
        await UnixFolders.WritePrivateFileAsync(DefinitionsFile, Definitions(userName, password, lockGuest), cancellationToken);
        await File.WriteAllTextAsync(EnabledPluginsFile, "[].\n", cancellationToken);
        await File.WriteAllTextAsync(EnvironmentFile, "# Intentionally empty: the AppHost sets the environment.\n", cancellationToken);
    }

    /// <summary>
    /// The broker's environment: node name, ports, this folder's files, and the distribution listener on 127.0.0.1
    /// with the running <c>epmd</c> on <paramref name="epmdPort"/> (<c>-start_epmd false</c>: never a daemon one, which
    /// nobody would stop). A null value means "not inherited": another broker's settings must not leak in.
    /// </summary>
    public Dictionary<string, string?> Environment(int port, int distributionPort, int epmdPort) => new()
    {
        ["RABBITMQ_ALLOW_INPUT"] = "true",
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_USE_LONGNAME"] = "false",
        ["RABBITMQ_NODE_IP_ADDRESS"] = Host,
        ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
        ["ERL_EPMD_ADDRESS"] = Host,
        ["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = Mnesia,
        ["RABBITMQ_LOG_BASE"] = Log,
        ["RABBITMQ_CONFIG_FILE"] = ConfigFile,
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = AdvancedConfigFile,
        ["RABBITMQ_CONF_ENV_FILE"] = EnvironmentFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = EnabledPluginsFile,
        ["RABBITMQ_PID_FILE"] = Path.Combine(Mnesia, "broker.pid"),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-start_epmd false -kernel inet_dist_use_interface {127,0,0,1}",
        ["ERL_CRASH_DUMP"] = Path.Combine(Log, "erl_crash.dump"),
        ["HOME"] = Home,
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["RABBITMQ_LOGS"] = null,
        ["RABBITMQ_SERVER_START_ARGS"] = null,
    };

    /// <summary>Completes once <c>epmd</c> answers a NAMES request (a bare connect would make it log "got partial packet").</summary>
    public static async Task AskEpmdAsync(int epmdPort, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, epmdPort, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0, 1, (byte)'n' }, cancellationToken);
        await stream.ReadExactlyAsync(new byte[4], cancellationToken);
    }

    private static string Definitions(string userName, string password, bool lockGuest)
    {
        var users = new List<Dictionary<string, object>> { User(userName, password, AdministratorTags) };
        if (lockGuest)
        {
            users.Add(User("guest", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), []));
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["users"] = users,
            ["vhosts"] = new[] { new Dictionary<string, string> { ["name"] = "/" } },
            ["permissions"] = new[]
            {
                new Dictionary<string, string> { ["user"] = userName, ["vhost"] = "/", ["configure"] = ".*", ["write"] = ".*", ["read"] = ".*" },
            },
        });
    }

    private static Dictionary<string, object> User(string name, string password, string[] tags) => new()
    {
        ["name"] = name,
        ["password_hash"] = PasswordHash(password),
        ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
        ["tags"] = tags,
    };

    /// <summary>RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ UTF-8 password)), 4 bytes of salt.</summary>
    private static string PasswordHash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        return Convert.ToBase64String([.. salt, .. SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)])]);
    }
}
