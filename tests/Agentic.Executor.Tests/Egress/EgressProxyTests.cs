using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Agentic.Executor.Egress;
using Agentic.Executor.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Executor.Tests.Egress;

/// <summary>The proxy on its own, from the host side of its socket: real CONNECTs, a real registry, a refused local server.</summary>
public sealed class EgressProxyTests
{
    private ExecutorHarness _harness = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _harness = await ExecutorHarness.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    private EgressProxy Proxy => _harness.Services.GetRequiredService<EgressProxy>();

    [Test]
    public async Task Should_tunnel_tls_to_the_registry_when_the_destination_is_on_the_allow_list()
    {
        using var session = Proxy.Open("test");

        await using var stream = await ConnectAsync(session, "registry.npmjs.org:443");
        var status = await ReadStatusAsync(stream);
        await using var tls = new SslStream(stream);
        await tls.AuthenticateAsClientAsync("registry.npmjs.org");
        await tls.WriteAsync(Encoding.ASCII.GetBytes("GET /is-odd/3.0.1 HTTP/1.1\r\nHost: registry.npmjs.org\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls);
        var response = await reader.ReadToEndAsync();
        tls.Close();

        Assert.That(status, Does.StartWith("HTTP/1.1 200"));
        Assert.That(response, Does.StartWith("HTTP/1.1 200").And.Contain("\"is-odd\""));
        await Agentic.StandIns.Polling.UntilAsync(() => session.Tunnels.Count == 1, TimeSpan.FromSeconds(10));
        var tunnel = session.Tunnels.Single();
        Assert.That((tunnel.Host, tunnel.Port, tunnel.Allowed), Is.EqualTo(("registry.npmjs.org", 443, true)));
        Assert.That(tunnel.BytesReceived, Is.GreaterThan(1000));
        Assert.That(tunnel.BytesSent, Is.GreaterThan(100));
    }

    [Test]
    public async Task Should_refuse_and_record_when_the_destination_is_a_local_server_not_on_the_list()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
        using var session = Proxy.Open("test");

        string[] destinations = [$"localhost:{port}", $"127.0.0.1:{port}", "registry.npmjs.org:80", "example.com:443"];
        var statuses = new List<string>();
        foreach (var destination in destinations)
        {
            await using var stream = await ConnectAsync(session, destination);
            statuses.Add(await ReadStatusAsync(stream));
        }

        Assert.That(statuses, Is.All.StartsWith("HTTP/1.1 403"));
        await Agentic.StandIns.Polling.UntilAsync(() => session.Tunnels.Count == destinations.Length, TimeSpan.FromSeconds(10));
        Assert.That(session.Tunnels.Select(t => $"{t.Host}:{t.Port}"), Is.EquivalentTo(destinations));
        Assert.That(session.Tunnels, Has.All.Matches<EgressTunnel>(t => !t.Allowed && t.BytesSent == 0 && t.BytesReceived == 0));
        Assert.That(session.Tunnels.Single(t => t.Host == "127.0.0.1").Refusal, Does.Contain("IP literal"));
        Assert.That(listener.Pending(), Is.False, "nothing reached the local server");
    }

    [Test]
    public async Task Should_refuse_when_the_name_is_allowed_but_resolves_to_a_private_address()
    {
        await using var harness = await ExecutorHarness.StartAsync(settings: new Dictionary<string, string?> { ["Executor:Egress:AllowedHosts:0"] = "localhost:443" });
        using var session = harness.Services.GetRequiredService<EgressProxy>().Open("test");

        await using var stream = await ConnectAsync(session, "localhost:443");
        var status = await ReadStatusAsync(stream);

        Assert.That(status, Does.StartWith("HTTP/1.1 403"));
        await Agentic.StandIns.Polling.UntilAsync(() => session.Tunnels.Count == 1, TimeSpan.FromSeconds(10));
        Assert.That(session.Tunnels.Single().Refusal, Does.Contain("non-public"));
    }

    [Test]
    public async Task Should_refuse_plain_http_and_oversized_headers()
    {
        using var session = Proxy.Open("test");

        await using var get = await SendAsync(session, "GET http://registry.npmjs.org/is-odd HTTP/1.1\r\nHost: registry.npmjs.org\r\n\r\n");
        var getStatus = await ReadStatusAsync(get);
        await using var huge = await SendAsync(session, "CONNECT registry.npmjs.org:443 HTTP/1.1\r\nX-Padding: " + new string('a', 20_000) + "\r\n\r\n");
        var hugeStatus = await ReadStatusAsync(huge);

        Assert.That(getStatus, Does.StartWith("HTTP/1.1 405"));
        Assert.That(hugeStatus, Does.StartWith("HTTP/1.1 400"));
        await Agentic.StandIns.Polling.UntilAsync(() => session.Tunnels.Count == 2, TimeSpan.FromSeconds(10));
        Assert.That(session.Tunnels, Has.All.Matches<EgressTunnel>(t => !t.Allowed));
    }

    [TestCase("registry.npmjs.org", 443, true)]
    [TestCase("REGISTRY.npmjs.org", 443, true)]
    [TestCase("registry.npmjs.org", 8443, false)]
    [TestCase("evil.registry.npmjs.org", 443, false)]
    [TestCase("104.16.0.1", 443, false)]
    [TestCase("[::1]", 443, false)]
    public void Should_allow_only_listed_names_and_ports(string host, int port, bool allowed) =>
        Assert.That(EgressProxy.CheckDestination(host, port, Options.EgressOptions.DefaultAllowedHosts) is null, Is.EqualTo(allowed));

    [TestCase("10.0.0.1", false)]
    [TestCase("192.168.1.1", false)]
    [TestCase("169.254.169.254", false)]
    [TestCase("127.0.0.1", false)]
    [TestCase("::1", false)]
    [TestCase("fd00::1", false)]
    [TestCase("104.16.0.1", true)]
    [TestCase("2606:4700::6810:1", true)]
    public void Should_treat_only_public_addresses_as_reachable(string address, bool isPublic) =>
        Assert.That(EgressProxy.IsPublic(IPAddress.Parse(address)), Is.EqualTo(isPublic));

    private static Task<NetworkStream> ConnectAsync(EgressSession session, string destination) =>
        SendAsync(session, $"CONNECT {destination} HTTP/1.1\r\nHost: {destination}\r\n\r\n");

    private static async Task<NetworkStream> SendAsync(EgressSession session, string request)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(session.SocketPath));
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        }
        catch (IOException)
        {
            // Refused before the whole request was read (the oversized header).
        }

        return stream;
    }

    /// <summary>The proxy's reply header, read byte by byte so nothing of the tunnel after it is consumed.</summary>
    private static async Task<string> ReadStatusAsync(Stream stream)
    {
        var header = new StringBuilder();
        var one = new byte[1];
        while (!header.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal) && await stream.ReadAsync(one) == 1)
        {
            header.Append((char)one[0]);
        }

        return header.ToString();
    }
}

public sealed class EgressOptionsTests
{
    [TestCase("registry.npmjs.org:443", true)]
    [TestCase("10.0.0.1:443", false)]
    [TestCase("registry.npmjs.org", false)]
    [TestCase("registry.npmjs.org:0", false)]
    public void Should_accept_only_host_names_with_ports_when_the_allow_list_is_configured(string host, bool valid)
    {
        var options = new Options.ExecutorOptions { WorkspaceRoot = "/srv/agentic", Egress = { AllowedHosts = [host] } };

        Assert.That(new Options.ExecutorOptionsValidator().Validate(options).IsValid, Is.EqualTo(valid));
    }

    [Test]
    public void Should_refuse_a_workspace_root_too_long_for_the_egress_sockets()
    {
        var options = new Options.ExecutorOptions { WorkspaceRoot = "/srv/" + new string('w', 90) };

        var result = new Options.ExecutorOptionsValidator().Validate(options);

        Assert.That(result.Errors.Select(e => e.ErrorMessage), Has.Some.Contains("Unix socket path"));
    }
}
