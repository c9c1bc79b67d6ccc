using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Agentic.LocalServers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Agentic.Testing;

/// <summary>
/// A RabbitMQ broker from the installed binaries, with its data in a folder of ours (laid out by
/// <see cref="RabbitMqLayout"/>, as the AppHost's is). Each instance has its own node name, its own <c>epmd</c> on a private port (started by us, so we own its pid) and its own distribution port, so
/// several brokers (tests and a running AppHost) never collide. Runs as user <c>rabbitmq</c> when we are root. The
/// pid held is <c>beam.smp</c> itself. Disposing stops the broker, then its epmd, and leaves no process behind.
/// Nothing listens beyond 127.0.0.1 (AMQP, epmd and the Erlang distribution port alike), and there is no
/// <c>guest</c>/<c>guest</c>: the one account is <see cref="UserName"/> with the password of the options, imported from
/// a definitions file at every start (which also keeps the broker from seeding <c>guest</c> into a new data folder).
/// </summary>
public sealed partial class RabbitMqServer : IAsyncDisposable
{
    public const string Host = RabbitMqLayout.Host;
    public const string UserName = "agentic";

    private readonly RabbitMqServerOptions _options;
    private readonly RabbitMqLayout _layout;
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
        _layout = new RabbitMqLayout(DataDirectory);
    }

    public string DataDirectory { get; }

    /// <summary><see cref="UserName"/>'s password: from the options, else generated for this instance.</summary>
    public string Password { get; }

    /// <summary><c>agentic-&lt;hash of the data folder&gt;@localhost</c>: stable for a folder, so its Mnesia data is found again.</summary>
    public string NodeName => _layout.NodeName;

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
        RabbitMqLayout.IsInstalled ? RabbitMqLayout.ServerScript : throw LocalServerMissingException.NotInstalled("RabbitMQ", "rabbitmq-server");

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
        var epmdPath = RabbitMqLayout.FindEpmd() ?? throw LocalServerMissingException.NotInstalled("RabbitMQ", "rabbitmq-server");
        var account = UnixAccount.ForServer("RabbitMQ", "rabbitmq", "rabbitmq-server");

        try
        {
            if (Port == 0)
            {
                Port = FreePort.FindInRange(20000, 45000);
            }

            DistributionPort = FreePort.Find();
            EpmdPort = FreePort.Find();
            await PrepareDataDirectoryAsync(account, cancellationToken);

            _epmd = await ChildProcess.StartAsync(
                new ChildProcessStartInfo
                {
                    Name = "epmd",
                    FileName = epmdPath,
                    Arguments = RabbitMqLayout.EpmdArguments(EpmdPort),
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
                    Arguments = RabbitMqLayout.ServerArguments,
                    WorkingDirectory = DataDirectory,
                    Environment = _layout.Environment(Port, DistributionPort, EpmdPort),
                    RunAs = account,
                    Output = _options.Output,
                    RecentLines = 200,
                },
                cancellationToken);
            LogStarting(_logger, _broker.Pid, NodeName, Port);

            await WaitUntilReadyAsync(cancellationToken);
            await File.WriteAllTextAsync(GuestDisabledMarker, "guest/guest does not log in to this node." + Environment.NewLine, cancellationToken);
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

    /// <summary>
    /// The broker's files, written at every start. A node an older AppHost created has a <c>guest</c> account
    /// (password <c>guest</c>); it gets a random password nobody knows and no tags, once (a marker file says it is done).
    /// </summary>
    private async Task PrepareDataDirectoryAsync(UnixAccount? account, CancellationToken cancellationToken)
    {
        var olderNode = !File.Exists(GuestDisabledMarker) && Directory.Exists(_layout.Mnesia) && Directory.EnumerateFileSystemEntries(_layout.Mnesia).Any();
        await _layout.WriteAsync(Port, UserName, Password, lockGuest: olderNode, cancellationToken);
        if (account is not null)
        {
            await account.ChownRecursiveAsync(DataDirectory, cancellationToken);
            await account.EnsureCanWriteAsync(DataDirectory, cancellationToken);
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
    /// Waits until epmd answers (<see cref="RabbitMqLayout.AskEpmdAsync"/>): the broker must find it running, or Erlang
    /// would start a daemon epmd of its own that nobody stops.
    /// </summary>
    private static async Task WaitForEpmdAsync(ChildProcess epmd, int port, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await RabbitMqLayout.AskEpmdAsync(port, cancellationToken);
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

    private string GuestDisabledMarker => Path.Combine(DataDirectory, "guest-disabled");

    [LoggerMessage(200, LogLevel.Debug, "RabbitMQ starting (pid {Pid}) as node {NodeName}, AMQP on 127.0.0.1:{Port}")]
    private static partial void LogStarting(ILogger logger, int pid, string nodeName, int port);

    [LoggerMessage(201, LogLevel.Debug, "RabbitMQ ready on 127.0.0.1:{Port}")]
    private static partial void LogReady(ILogger logger, int port);

    [LoggerMessage(202, LogLevel.Debug, "RabbitMQ (pid {Pid}) stopped with exit code {ExitCode}")]
    private static partial void LogStopped(ILogger logger, int pid, int exitCode);
}
