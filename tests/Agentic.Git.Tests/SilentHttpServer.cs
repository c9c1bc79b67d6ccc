using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agentic.Git.Tests;

/// <summary>A loopback HTTP server that reads requests and never answers, so git waits on it.</summary>
internal sealed class SilentHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<TcpClient> _clients = [];
    private readonly TaskCompletionSource<string> _firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _accepting;

    public SilentHttpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The head (request line and headers) of the first request.</summary>
    public Task<string> FirstRequest => _firstRequest.Task;

    public string Url(string path) => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/{path}";

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }
        }

        await _accepting;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync();
                lock (_clients)
                {
                    _clients.Add(client);
                }

                _ = ReadHeadAsync(client.GetStream());
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task ReadHeadAsync(NetworkStream stream)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    return;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            _firstRequest.TrySetResult(head.ToString());
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }
}
