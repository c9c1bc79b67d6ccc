using System.Net;
using System.Net.Sockets;

namespace Agentic.AppHost.Infrastructure;

/// <summary>Free TCP ports on 127.0.0.1: bind, read the port, release. Never hands out the same port twice in a process.</summary>
public static class FreePort
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();

    /// <summary>A port the kernel picks (its ephemeral range).</summary>
    public static int Find()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = TryBind(0);
            if (port > 0 && Claim(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException("No free TCP port on 127.0.0.1.");
    }

    /// <summary>
    /// A free port in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>): RabbitMQ derives its
    /// distribution port as AMQP port + 20000 unless told otherwise, so its AMQP port stays below 45000.
    /// </summary>
    public static int FindInRange(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minInclusive, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxExclusive, 65536);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(minInclusive, maxExclusive);
            if (TryBind(candidate) == candidate && Claim(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {minInclusive} and {maxExclusive}.");
    }

    private static bool Claim(int port)
    {
        lock (Gate)
        {
            return HandedOut.Add(port);
        }
    }

    private static int TryBind(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
            return ((IPEndPoint)socket.LocalEndPoint!).Port;
        }
        catch (SocketException)
        {
            return 0;
        }
    }
}
