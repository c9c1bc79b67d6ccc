using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>The TCP sockets a process listens on, read from <c>/proc</c> (its fds' socket inodes, then <c>/proc/net/tcp{,6}</c>).</summary>
public static class ListeningSockets
{
    private const string ListenState = "0A";

    public static IReadOnlyList<IPEndPoint> Of(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        return new[] { "/proc/net/tcp", "/proc/net/tcp6" }
            .SelectMany(table => File.ReadLines(table).Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == ListenState && inodes.Contains(fields[9]))
            .Select(fields => Parse(fields[1]))
            .ToList();
    }

    /// <summary>True for 127.0.0.0/8, ::1 and ::ffff:127.x.x.x.</summary>
    public static bool IsLoopback(IPEndPoint endpoint) =>
        IPAddress.IsLoopback(endpoint.Address.IsIPv4MappedToIPv6 ? endpoint.Address.MapToIPv4() : endpoint.Address);

    /// <summary><c>0100007F:1F90</c> (IPv4) or 32 hex digits (IPv6), each 32-bit word in host (little-endian) order.</summary>
    private static IPEndPoint Parse(string field)
    {
        var (hex, port) = (field[..field.IndexOf(':', StringComparison.Ordinal)], field[(field.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < bytes.Length / 4; word++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4), uint.Parse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return new IPEndPoint(new IPAddress(bytes), int.Parse(port, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }
}
