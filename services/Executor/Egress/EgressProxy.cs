using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Agentic.Executor.Options;
using Microsoft.Extensions.Options;

namespace Agentic.Executor.Egress;

/// <summary>One tunnel the proxy was asked for: where to, whether it was allowed, how many bytes each way.</summary>
public sealed record EgressTunnel(string Host, int Port, bool Allowed, string? Refusal, long BytesSent, long BytesReceived, TimeSpan Duration);

/// <summary>
/// The allowlisting egress proxy of the setup phase: HTTP <c>CONNECT host:port</c> only, over a Unix domain socket per
/// session (one setup run), so every tunnel is attributed to the run that asked for it and kept in its
/// <see cref="EgressSession.Tunnels"/>. A destination is allowed only when its <c>host:port</c> is on
/// <see cref="EgressOptions.AllowedHosts"/> (names, never IP literals) and the name resolves, on the host, to public
/// addresses only; everything else is answered 403 and logged. The proxy sees only the TLS stream: no credential is
/// added or read here.
/// </summary>
public sealed partial class EgressProxy(IOptions<ExecutorOptions> options, ILogger<EgressProxy> logger) : IHostedService, IDisposable
{
    public const string Folder = "egress";

    private readonly ConcurrentDictionary<EgressSession, byte> _sessions = new();

    /// <summary>The longest Unix socket path (<c>sun_path</c> less its terminating zero).</summary>
    public const int MaxSocketPath = 107;

    /// <summary>A session socket's name: 12 hex digits and <c>.sock</c>, after a separator.</summary>
    public const int SocketNameLength = 18;

    /// <summary>The folder holding the sessions' sockets: <c>{WorkspaceRoot}/egress</c>.</summary>
    public string SocketFolder => Path.Combine(options.Value.WorkspaceRoot, Folder);

    /// <summary>True when a session socket under <paramref name="workspaceRoot"/> fits a Unix socket path (checked at start).</summary>
    public static bool SocketPathFits(string workspaceRoot) =>
        Encoding.UTF8.GetByteCount(Path.Combine(workspaceRoot, Folder)) + SocketNameLength <= MaxSocketPath;

    /// <summary>Opens a session: a fresh socket the sandbox account can connect to, listening until the session is disposed.</summary>
    public EgressSession Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var folder = SocketFolder;
        Directory.CreateDirectory(folder);
        if (!OperatingSystem.IsWindows())
        {
            // Others search the folder (the sandbox account connects); only the Executor lists or writes it.
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        var path = Path.Combine(folder, $"{Guid.NewGuid().ToString("N")[..12]}.sock");
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        if (!OperatingSystem.IsWindows())
        {
            // connect(2) needs write permission on the socket file.
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        }

        listener.Listen(64);
        var session = new EgressSession(this, name, path, listener);
        _sessions[session] = 0;
        session.Start();
        return session;
    }

    internal void Closed(EgressSession session) => _sessions.TryRemove(session, out _);

    /// <summary>Why <paramref name="host"/>:<paramref name="port"/> is refused before any lookup, or null when it is on the list.</summary>
    public static string? CheckDestination(string host, int port, IReadOnlyCollection<string> allowedHosts)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        if (IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return "IP literals are never allowed";
        }

        var key = $"{host.ToLowerInvariant()}:{port.ToString(CultureInfo.InvariantCulture)}";
        return allowedHosts.Any(a => string.Equals(a, key, StringComparison.OrdinalIgnoreCase)) ? null : "not on the allow-list";
    }

    /// <summary>True for addresses a registry never has: loopback, private, link-local, unique-local, unspecified, multicast.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] >= 224);
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal);
    }

    internal async Task<EgressTunnel> HandleAsync(Socket client, CancellationToken cancellationToken)
    {
        var settings = options.Value.Egress;
        var started = Stopwatch.GetTimestamp();
        using var stream = new NetworkStream(client, ownsSocket: true);
        string host = "?";
        var port = 0;
        EgressTunnel Refuse(string reason) => new(host, port, false, reason, 0, 0, Stopwatch.GetElapsedTime(started));

        byte[] header;
        int headerLength, bodyStart;
        using (var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            headerTimeout.CancelAfter(settings.HeaderTimeout);
            (header, headerLength, bodyStart) = await ReadHeaderAsync(stream, settings.MaxHeaderBytes, headerTimeout.Token);
        }

        if (headerLength < 0)
        {
            await ReplyAsync(stream, "400 Bad Request", cancellationToken);
            return Refuse(headerLength == -2 ? "request header too large" : "no complete request header");
        }

        var requestLine = Encoding.ASCII.GetString(header, 0, Array.IndexOf(header, (byte)'\r', 0, headerLength) is var end and >= 0 ? end : headerLength);
        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            await ReplyAsync(stream, "400 Bad Request", cancellationToken);
            return Refuse("malformed request line");
        }

        if (parts[0] != "CONNECT")
        {
            // Only tunnels: plain HTTP would let the sandbox send requests in clear through us. The registries are HTTPS.
            if (Uri.TryCreate(parts[1], UriKind.Absolute, out var uri))
            {
                host = uri.Host;
                port = uri.Port;
            }

            await ReplyAsync(stream, "405 Method Not Allowed", cancellationToken);
            return Refuse($"{parts[0]} is not allowed (CONNECT only)");
        }

        var separator = parts[1].LastIndexOf(':');
        if (separator <= 0 || !int.TryParse(parts[1].AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            await ReplyAsync(stream, "400 Bad Request", cancellationToken);
            return Refuse("CONNECT needs host:port");
        }

        host = parts[1][..separator];
        if (host.Length is 0 or > 253 || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
        {
            host = "?";
            await ReplyAsync(stream, "400 Bad Request", cancellationToken);
            return Refuse("not a host name");
        }

        if (CheckDestination(host, port, settings.EffectiveAllowedHosts) is { } refusal)
        {
            await ReplyAsync(stream, "403 Forbidden", cancellationToken);
            return Refuse(refusal);
        }

        Socket upstream;
        try
        {
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(settings.ConnectTimeout);
            var addresses = await Dns.GetHostAddressesAsync(host, connectTimeout.Token);
            if (addresses.Length == 0 || !addresses.All(IsPublic))
            {
                await ReplyAsync(stream, "403 Forbidden", cancellationToken);
                return Refuse("resolves to a non-public address");
            }

            upstream = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await upstream.ConnectAsync(addresses, port, connectTimeout.Token);
            }
            catch
            {
                upstream.Dispose();
                throw;
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await ReplyAsync(stream, "502 Bad Gateway", cancellationToken);
            return new(host, port, true, $"unreachable: {e.Message}", 0, 0, Stopwatch.GetElapsedTime(started));
        }

        using (upstream)
        await using (var remote = new NetworkStream(upstream, ownsSocket: false))
        {
            await ReplyAsync(stream, "200 Connection Established", cancellationToken);
            long sent = 0;
            var early = headerLength - bodyStart;
            if (early > 0)
            {
                // Bytes the client sent after the header (an eager TLS ClientHello) go first.
                await remote.WriteAsync(header.AsMemory(bodyStart, early), cancellationToken);
                sent += early;
            }

            using var tunnel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var idle = new IdleTimer(settings.IdleTimeout, tunnel);
            var up = PumpAsync(stream, remote, idle, tunnel.Token);
            var down = PumpAsync(remote, stream, idle, tunnel.Token);
            await Task.WhenAny(up, down);
            await tunnel.CancelAsync();
            var (upBytes, downBytes) = (await up, await down);
            idle.Dispose();
            return new(host, port, true, null, sent + upBytes, downBytes, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// Reads until the blank line ending the header: (buffer, bytes read, where the header ends); length -1 when the
    /// peer closed or timed out first, -2 when the header is longer than <paramref name="limit"/>.
    /// </summary>
    private static async Task<(byte[] Buffer, int Length, int BodyStart)> ReadHeaderAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[limit + 4096];
        var length = 0;
        try
        {
            while (length < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    return (buffer, -1, 0);
                }

                length += read;
                var end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8);
                if (end >= 0)
                {
                    return end > limit ? (buffer, -2, 0) : (buffer, length, end + 4);
                }

                if (length > limit)
                {
                    return (buffer, -2, 0);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return (buffer, -1, 0);
        }

        return (buffer, -2, 0);
    }

    private static async Task ReplyAsync(Stream stream, string status, CancellationToken cancellationToken)
    {
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), cancellationToken);
        }
        catch (IOException)
        {
            // The client is gone.
        }
    }

    private static async Task<long> PumpAsync(Stream from, Stream to, IdleTimer idle, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
            {
                idle.Touch();
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
            }

            if (to is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Either side closed or the tunnel went idle: the other pump ends too.
        }

        return total;
    }

    internal void Record(EgressSession session, EgressTunnel tunnel)
    {
        if (tunnel.Allowed)
        {
            LogTunnel(logger, session.Name, tunnel.Host, tunnel.Port, tunnel.BytesSent, tunnel.BytesReceived, tunnel.Duration.TotalMilliseconds, tunnel.Refusal ?? "ok");
        }
        else
        {
            LogRefused(logger, session.Name, tunnel.Host, tunnel.Port, tunnel.Refusal ?? "refused");
        }
    }

    internal void Failed(EgressSession session, Exception exception) => LogFailed(logger, session.Name, exception.Message);

    /// <summary>Sockets left by an earlier process are removed at start; open sessions are closed at stop.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var folder = SocketFolder;
        if (Directory.Exists(folder))
        {
            foreach (var stale in Directory.EnumerateFiles(folder, "*.sock"))
            {
                File.Delete(stale);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Keys)
        {
            session.Dispose();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Egress {Session}: tunnel to {Host}:{Port} allowed, {BytesSent} bytes sent, {BytesReceived} received in {ElapsedMs:0} ms ({Outcome})")]
    private static partial void LogTunnel(ILogger logger, string session, string host, int port, long bytesSent, long bytesReceived, double elapsedMs, string outcome);

    [LoggerMessage(2, LogLevel.Warning, "Egress {Session}: tunnel to {Host}:{Port} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string session, string host, int port, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Egress {Session}: connection failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string session, string reason);

    /// <summary>Cancels a tunnel when neither side has sent anything for the idle timeout.</summary>
    private sealed class IdleTimer : IDisposable
    {
        private readonly Timer _timer;
        private readonly TimeSpan _timeout;

        public IdleTimer(TimeSpan timeout, CancellationTokenSource tunnel)
        {
            _timeout = timeout;
            _timer = new Timer(_ => Cancel(tunnel), null, timeout, Timeout.InfiniteTimeSpan);
        }

        public void Touch() => _timer.Change(_timeout, Timeout.InfiniteTimeSpan);

        private static void Cancel(CancellationTokenSource tunnel)
        {
            try
            {
                tunnel.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The tunnel ended as the timer fired.
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}

/// <summary>
/// One setup run's side of the proxy: its own socket (<see cref="SocketPath"/>, bound into the sandbox) and the record
/// of every tunnel asked through it, for the run's report and for tests.
/// </summary>
public sealed class EgressSession : IDisposable
{
    private readonly EgressProxy _proxy;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<EgressTunnel> _tunnels = new();
    private readonly ConcurrentDictionary<Task, byte> _connections = new();
    private Task _accepting = Task.CompletedTask;
    private int _disposed;

    internal EgressSession(EgressProxy proxy, string name, string socketPath, Socket listener)
    {
        _proxy = proxy;
        Name = name;
        SocketPath = socketPath;
        _listener = listener;
    }

    public string Name { get; }

    /// <summary>The host path of the session's Unix socket.</summary>
    public string SocketPath { get; }

    /// <summary>Every tunnel asked so far, allowed or refused, in the order they ended.</summary>
    public IReadOnlyList<EgressTunnel> Tunnels => [.. _tunnels];

    internal void Start() => _accepting = AcceptAsync();

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var connection = ServeAsync(client);
            _connections[connection] = 0;
            _ = connection.ContinueWith(t => _connections.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        await Task.Yield();
        try
        {
            var tunnel = await _proxy.HandleAsync(client, _stopping.Token);
            if (tunnel.Refusal == "no complete request header" && tunnel.BytesSent == 0)
            {
                // A connection that asked nothing (a probe, or the client gave up) is not a tunnel.
                return;
            }

            _tunnels.Enqueue(tunnel);
            _proxy.Record(this, tunnel);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _proxy.Failed(this, e);
        }
    }

    /// <summary>Stops accepting, ends the open tunnels (after the setup command they belong to has ended) and removes the socket.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _listener.Dispose();
        try
        {
            Task.WaitAll([_accepting, .. _connections.Keys], TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Each connection's failure was logged.
        }

        _stopping.Dispose();
        _proxy.Closed(this);
        try
        {
            File.Delete(SocketPath);
        }
        catch (IOException)
        {
            // Removed at the next start.
        }
    }
}
