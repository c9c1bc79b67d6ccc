using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Agentic.LocalServers;

/// <summary>
/// Free TCP ports on 127.0.0.1, chosen <em>outside</em> the kernel's ephemeral range
/// (<c>/proc/sys/net/ipv4/ip_local_port_range</c>): a port the kernel hands out for "bind to 0" is also the kind it
/// gives outgoing connections, so between releasing it and the child binding it, any connect() (a service talking to
/// PostgreSQL, say) could take it. Each candidate is test-bound; a process never hands out the same port twice.
/// </summary>
public static class FreePort
{
    private const int LowestPort = 10000;
    private static readonly HashSet<int> HandedOut = [];
    private static readonly Lock Gate = new();
    private static readonly (int First, int Last) Ephemeral = ReadEphemeralRange();

    /// <summary>A free port that outgoing connections will not take.</summary>
    public static int Find() =>
        Ephemeral.First - LowestPort >= 1000
            ? FindInRange(LowestPort, Ephemeral.First)
            : FindInRange(Math.Min(Ephemeral.Last + 1, 64535), 65536);

    /// <summary>
    /// A free port in [<paramref name="minInclusive"/>, <paramref name="maxExclusive"/>), avoiding the ephemeral range
    /// where the two overlap. (RabbitMQ derives its distribution port as AMQP port + 20000 unless told otherwise, so its
    /// AMQP port stays below 45000.)
    /// </summary>
    public static int FindInRange(int minInclusive, int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minInclusive, 1024);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxExclusive, 65536);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxExclusive, minInclusive);
        if (minInclusive < Ephemeral.First && maxExclusive > Ephemeral.First)
        {
            maxExclusive = Ephemeral.First;
        }

        for (var attempt = 0; attempt < 500; attempt++)
        {
            var candidate = Random.Shared.Next(minInclusive, maxExclusive);
            if (IsFree(candidate) && Claim(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"No free TCP port on 127.0.0.1 between {minInclusive} and {maxExclusive}.");
    }

    /// <summary>True when nothing listens on (or holds) 127.0.0.1:<paramref name="port"/> right now.</summary>
    public static bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool Claim(int port)
    {
        lock (Gate)
        {
            return HandedOut.Add(port);
        }
    }

    private static (int First, int Last) ReadEphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range")
                .Split((char[])[' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999);
        }
    }
}
