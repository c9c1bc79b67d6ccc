using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agentic.Testing;

/// <summary>
/// A RabbitMQ broker from the installed binaries, with its data in a folder of ours. Each instance has its own node
/// name, its own <c>epmd</c> on a private port (started by us, so we own its pid) and its own distribution port, so
/// several brokers (tests and a running AppHost) never collide. Runs as user <c>rabbitmq</c> when we are root. The
/// pid held is <c>beam.smp</c> itself. Disposing stops the broker, then its epmd, and leaves no process behind.
/// Nothing listens beyond 127.0.0.1 (AMQP, epmd and the Erlang distribution port alike), and there is no
/// <c>guest</c>/<c>guest</c>: the one account is <see cref="UserName"/> with the password of the options, imported from
/// a definitions file at every start (which also keeps the broker from seeding <c>guest</c> into a new data folder).
/// </summary>
public sealed partial class RabbitMqServer : IAsyncDisposable
{
    public const string Host = "127.0.0.1";
    public const string UserName = "agentic";
    public const string DefaultServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private static readonly string[] AdministratorTags = ["administrator"];
    private readonly RabbitMqServerOptions _options;
    private readonly ILogger _logger;
    private ChildProcess? _epmd;
    private ChildProcess? _broker;

    public RabbitMqServer(string dataDirectory, RabbitMqServerOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        _options = options ?? new RabbitMqServerOptions();
        _logger = _options.Logger ?? NullLogger.Instance;
        Port = _options.Port;
        Password = _options.Password ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        ArgumentException.ThrowIfNullOrWhiteSpace(Password, nameof(options));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)))[..10];
        NodeName = $"agentic-{hash}@localhost";
    }

    public string DataDirectory { get; }

    /// <summary><see cref="UserName"/>'s password: from the options, else generated for this instance.</summary>
    public string Password { get; }

    /// <summary><c>agentic-&lt;hash of the data folder&gt;@localhost</c>: stable for a folder, so its Mnesia data is found again.</summary>
    public string NodeName { get; }

    /// <summary>The AMQP port; chosen at the first start when the options said 0, then kept for restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The Erlang distribution port (private to this instance).</summary>
    public int DistributionPort { get; private set; }

    /// <summary>The port of this instance's own epmd.</summary>
    public int EpmdPort { get; private set; }

    /// <summary>The broker's pid (<c>beam.smp</c>) while it runs.</summary>
    public int? Pid => _broker is { HasExited: false } broker ? broker.Pid : null;

    /// <summary>The pid of this instance's epmd while it runs.</summary>
    public int? EpmdPid => _epmd is { HasExited: false } epmd ? epmd.Pid : null;

    public bool IsRunning => _broker is { HasExited: false };

    /// <summary>The broker's exit code once it has exited; null while it runs or before it started.</summary>
    public int? ExitCode => _broker is { HasExited: true } broker ? broker.Completion.Result : null;

    /// <summary><c>amqp://agentic:password@127.0.0.1:N/</c>.</summary>
    public string ConnectionString =>
        string.Create(CultureInfo.InvariantCulture, $"amqp://{UserName}:{Uri.EscapeDataString(Password)}@{Host}:{Port}/");

    /// <summary>The endpoint without credentials, for display: <c>amqp://127.0.0.1:N/</c>.</summary>
    public Uri Endpoint => new(string.Create(CultureInfo.InvariantCulture, $"amqp://{Host}:{Port}/"));

    /// <summary>Completes with the exit code when the broker process exits.</summary>
    public Task<int> Completion => _broker?.Completion ?? throw new InvalidOperationException("The broker has not been started.");

    /// <summary>The broker's start script; throws a one-line "how to install" message when RabbitMQ or Erlang is missing.</summary>
    public static string FindServerScript() =>
        File.Exists(DefaultServerScript) && FindEpmd() is not null
            ? DefaultServerScript
            : throw new InfrastructureNotInstalledException(
                "RabbitMQ is not installed: run 'sudo apt-get install -y rabbitmq-server' (or ./AppHost/run.sh which installs it)");

    /// <summary>Starts epmd and the broker; returns once an AMQP connection as <see cref="UserName"/> succeeds (about 10-20 s).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"RabbitMQ is already running (pid {Pid}).");
        }

        // A restart after a stop: let go of the previous run's processes.
        await DisposeProcessesAsync();
        _broker = null;
        _epmd = null;

        var script = _options.ServerScript ?? FindServerScript();
        var epmdPath = FindEpmd() ?? throw new InfrastructureNotInstalledException(
            "RabbitMQ is not installed: run 'sudo apt-get install -y rabbitmq-server' (or ./AppHost/run.sh which installs it)");
        var account = UnixAccount.IsRoot
            ? UnixAccount.Find("rabbitmq") ?? throw new InfrastructureNotInstalledException(
                "RabbitMQ's system user 'rabbitmq' is missing: run 'sudo apt-get install -y rabbitmq-server' (or ./AppHost/run.sh which installs it)")
            : null;

        try
        {
            if (Port == 0)
            {
                Port = FreePort.FindInRange(20000, 45000);
            }

            DistributionPort = FreePort.Find();
            EpmdPort = FreePort.Find();
            var paths = await PrepareDataDirectoryAsync(account, cancellationToken);

            _epmd = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "epmd",
                    FileName = epmdPath,
                    Arguments = ["-address", Host, "-port", EpmdPort.ToString(CultureInfo.InvariantCulture)],
                    WorkingDirectory = DataDirectory,
                    RunAs = account,
                    Output = _options.Output,
                },
                cancellationToken);
            await WaitForEpmdAsync(_epmd, EpmdPort, TimeSpan.FromSeconds(10), cancellationToken);

            _broker = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "rabbitmq",
                    FileName = script,
                    // RABBITMQ_ALLOW_INPUT makes the script exec erl (so the pid is beam.smp) instead of running it in
                    // the background; -noinput and +B i restore what the script's default mode would pass.
                    Arguments = ["-noinput", "+B", "i"],
                    WorkingDirectory = DataDirectory,
                    Environment = BrokerEnvironment(paths),
                    RunAs = account,
                    Output = _options.Output,
                    RecentLines = 200,
                },
                cancellationToken);
            LogStarting(_logger, _broker.Pid, NodeName, Port);

            await WaitUntilReadyAsync(cancellationToken);
            await File.WriteAllTextAsync(paths.GuestDisabledMarker, "guest/guest does not log in to this node." + Environment.NewLine, cancellationToken);
            LogReady(_logger, Port);
        }
        catch
        {
            await StopAsync(CancellationToken.None);
            throw;
        }
    }

    /// <summary>SIGTERM (graceful), waiting up to the stop timeout, then kill; then epmd. Leaves no process behind.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_broker is not null)
        {
            var pid = _broker.Pid;
            var running = !_broker.HasExited;
            var exitCode = await _broker.StopAsync(Signals.Terminate, _options.StopTimeout, cancellationToken);
            if (running)
            {
                LogStopped(_logger, pid, exitCode);
            }
        }

        if (_epmd is not null)
        {
            await _epmd.StopAsync(Signals.Terminate, TimeSpan.FromSeconds(5), cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        await DisposeProcessesAsync();
    }

    private async Task DisposeProcessesAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        if (_epmd is not null)
        {
            await _epmd.DisposeAsync();
        }
    }

    private static string? FindEpmd()
    {
        var erts = Directory.Exists("/usr/lib/erlang")
            ? Directory.EnumerateDirectories("/usr/lib/erlang", "erts-*")
                .Select(directory => Path.Combine(directory, "bin", "epmd"))
                .Where(File.Exists)
                .OrderByDescending(path => path, StringComparer.Ordinal)
                .FirstOrDefault()
            : null;
        return erts ?? (File.Exists("/usr/bin/epmd") ? "/usr/bin/epmd" : null);
    }

    private Dictionary<string, string?> BrokerEnvironment(DataPaths paths) => new()
    {
        ["RABBITMQ_ALLOW_INPUT"] = "true",
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_USE_LONGNAME"] = "false",
        ["RABBITMQ_NODE_IP_ADDRESS"] = Host,
        ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(CultureInfo.InvariantCulture),
        // epmd is ours and listens on 127.0.0.1 only; the node's distribution listener, too.
        ["ERL_EPMD_ADDRESS"] = Host,
        ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
        ["RABBITMQ_MNESIA_BASE"] = paths.Mnesia,
        ["RABBITMQ_LOG_BASE"] = paths.Log,
        ["RABBITMQ_CONFIG_FILE"] = paths.ConfigFile,
        ["RABBITMQ_ADVANCED_CONFIG_FILE"] = paths.AdvancedConfigFile,
        ["RABBITMQ_CONF_ENV_FILE"] = paths.EnvironmentFile,
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = paths.EnabledPluginsFile,
        ["RABBITMQ_PID_FILE"] = Path.Combine(paths.Mnesia, "broker.pid"),
        ["ERL_CRASH_DUMP"] = Path.Combine(paths.Log, "erl_crash.dump"),
        ["HOME"] = paths.Home,
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        // Never inherit another broker's settings from the AppHost's environment.
        ["RABBITMQ_LOGS"] = null,
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        ["RABBITMQ_SERVER_START_ARGS"] = null,
    };

    private async Task<DataPaths> PrepareDataDirectoryAsync(UnixAccount? account, CancellationToken cancellationToken)
    {
        var paths = new DataPaths(DataDirectory);
        UnixFolders.Create(DataDirectory, UnixFolders.Private);
        UnixFolders.Create(paths.Home, UnixFolders.Private);
        UnixFolders.Create(paths.Mnesia, UnixFolders.Private);
        UnixFolders.Create(paths.Log, UnixFolders.Private);

        var config = new StringBuilder()
            .AppendLine("# Written by the Agentic AppHost at every start; edits are overwritten.")
            .AppendLine(CultureInfo.InvariantCulture, $"listeners.tcp.default = {Host}:{Port}")
            .AppendLine("definitions.import_backend = local_filesystem")
            .AppendLine(CultureInfo.InvariantCulture, $"definitions.local.path = {paths.DefinitionsFile}")
            .AppendLine("log.console = true")
            .AppendLine("log.console.level = warning")
            .AppendLine("log.file.level = info")
            .ToString();
        await File.WriteAllTextAsync(paths.ConfigFile, config, cancellationToken);
        // The broker reads this file as its own user; only the password's salted hash is in it.
        await WritePrivateFileAsync(paths.DefinitionsFile, Definitions(olderNode: !File.Exists(paths.GuestDisabledMarker) && Directory.EnumerateFileSystemEntries(paths.Mnesia).Any()), cancellationToken);
        await File.WriteAllTextAsync(paths.EnabledPluginsFile, "[]." + Environment.NewLine, cancellationToken);
        await File.WriteAllTextAsync(paths.EnvironmentFile, "# Intentionally empty: the AppHost sets the environment." + Environment.NewLine, cancellationToken);

        if (account is not null)
        {
            await account.ChownRecursiveAsync(DataDirectory, cancellationToken);
            await account.EnsureCanWriteAsync(DataDirectory, cancellationToken);
        }

        return paths;
    }

    /// <summary>
    /// The definitions imported at every boot: the vhost, <see cref="UserName"/> with the current password, its
    /// permissions. A node an older AppHost created has a <c>guest</c> account (password <c>guest</c>); an import cannot
    /// delete it, so it gets a random password nobody knows and no tags, once (a marker file says it is done).
    /// </summary>
    private string Definitions(bool olderNode)
    {
        var users = new List<object>
        {
            new Dictionary<string, object>
            {
                ["name"] = UserName,
                ["password_hash"] = PasswordHash(Password),
                ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
                ["tags"] = AdministratorTags,
            },
        };
        if (olderNode)
        {
            users.Add(new Dictionary<string, object>
            {
                ["name"] = "guest",
                ["password_hash"] = PasswordHash(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))),
                ["hashing_algorithm"] = "rabbit_password_hashing_sha256",
                ["tags"] = Array.Empty<string>(),
            });
        }

        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["users"] = users,
            ["vhosts"] = new[] { new Dictionary<string, string> { ["name"] = "/" } },
            ["permissions"] = new[]
            {
                new Dictionary<string, string> { ["user"] = UserName, ["vhost"] = "/", ["configure"] = ".*", ["write"] = ".*", ["read"] = ".*" },
            },
        });
    }

    /// <summary>RabbitMQ's <c>rabbit_password_hashing_sha256</c>: base64(salt ‖ SHA-256(salt ‖ UTF-8 password)), 4 bytes of salt.</summary>
    internal static string PasswordHash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(4);
        var hash = SHA256.HashData([.. salt, .. Encoding.UTF8.GetBytes(password)]);
        return Convert.ToBase64String([.. salt, .. hash]);
    }

    private static async Task WritePrivateFileAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var stream = new FileStream(path, options))
        await using (var writer = new StreamWriter(stream))
        {
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var broker = _broker!;
        var deadline = DateTime.UtcNow + _options.StartTimeout;
        var factory = new ConnectionFactory
        {
            HostName = Host,
            Port = Port,
            UserName = UserName,
            Password = Password,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
            ClientProvidedName = "agentic-apphost-readiness",
        };

        while (true)
        {
            if (broker.HasExited)
            {
                await broker.WaitForExitAsync(TimeSpan.FromSeconds(2), cancellationToken);
                throw new InvalidOperationException(
                    $"RabbitMQ exited with code {await broker.Completion} while starting (log in {Path.Combine(DataDirectory, "log")}):{Environment.NewLine}{broker.DescribeRecentOutput(40)}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"RabbitMQ did not accept AMQP connections on port {Port} within {_options.StartTimeout.TotalSeconds:0} s (log in {Path.Combine(DataDirectory, "log")}):{Environment.NewLine}{broker.DescribeRecentOutput(40)}");
            }

            if (await IsListeningAsync(Port, cancellationToken))
            {
                try
                {
                    await using var connection = await factory.CreateConnectionAsync(cancellationToken);
                    await connection.CloseAsync(cancellationToken);
                    return;
                }
                catch (Exception exception) when (exception is BrokerUnreachableException or OperationInterruptedException or IOException or SocketException &&
                                                  !cancellationToken.IsCancellationRequested)
                {
                    // Listening but still booting; try again.
                }
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>
    /// Waits until epmd answers a NAMES request (a bare TCP connect would make it log "got partial packet"). The
    /// broker must find it running, or Erlang would start a daemon epmd of its own that nobody stops.
    /// </summary>
    private static async Task WaitForEpmdAsync(ChildProcess epmd, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                var stream = client.GetStream();
                await stream.WriteAsync(new byte[] { 0, 1, (byte)'n' }, cancellationToken);
                var reply = new byte[4];
                await stream.ReadExactlyAsync(reply, cancellationToken);
                return;
            }
            catch (Exception exception) when (exception is SocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                if (epmd.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(
                        $"epmd did not answer on port {port}:{Environment.NewLine}{epmd.DescribeRecentOutput()}", exception);
                }
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private sealed record DataPaths(string Root)
    {
        public string Home => Path.Combine(Root, "home");
        public string Mnesia => Path.Combine(Root, "mnesia");
        public string Log => Path.Combine(Root, "log");
        public string ConfigFile => Path.Combine(Root, "rabbitmq.conf");
        public string AdvancedConfigFile => Path.Combine(Root, "advanced.config");
        public string EnvironmentFile => Path.Combine(Root, "rabbitmq-env.conf");
        public string EnabledPluginsFile => Path.Combine(Root, "enabled_plugins");
        public string DefinitionsFile => Path.Combine(Root, "definitions.json");
        public string GuestDisabledMarker => Path.Combine(Root, "guest-disabled");
    }

    [LoggerMessage(200, LogLevel.Debug, "RabbitMQ starting (pid {Pid}) as node {NodeName}, AMQP on 127.0.0.1:{Port}")]
    private static partial void LogStarting(ILogger logger, int pid, string nodeName, int port);

    [LoggerMessage(201, LogLevel.Debug, "RabbitMQ ready on 127.0.0.1:{Port}")]
    private static partial void LogReady(ILogger logger, int port);

    [LoggerMessage(202, LogLevel.Debug, "RabbitMQ (pid {Pid}) stopped with exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, int pid, int exitCode);
}
