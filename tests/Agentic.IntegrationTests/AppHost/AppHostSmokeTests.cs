using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Agentic.ServiceDefaults;
using Agentic.StandIns;
using Agentic.Testing;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// The README's run command, end to end: the Aspire AppHost brings up every resource healthy, the Executor gets no
/// GitHub credential, and SIGTERM (what a script sends; a terminal's Ctrl+C does the same) leaves no process behind.
/// These start the built executable as a child process (<see cref="AppHostProcess"/>) on purpose, not through Aspire's
/// testing builder (which the demo end-to-end test, <c>GitHubDemoTests</c>, uses): they are about the executable itself,
/// its signal handling, exit codes, help, taken dashboard port, printed output and the dashboard it serves, none of
/// which the testing builder exercises (it runs Program in the test process, without the dashboard, and stops it by disposal).
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class AppHostSmokeTests
{
    private const string WebhookSecret = "github-webhook-secret";
    private const string OperatorKey = "operator-api-key";

    [Test]
    public async Task Should_bring_every_resource_up_healthy_and_leave_no_process_after_sigterm()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var stateDirectory = Path.Combine(TestEnvironment.Root, "apphost-state");
        var output = new ConcurrentQueue<string>();
        var environment = new Dictionary<string, string?> { ["GitHub__Api__Token"] = "smoke-test-token-not-for-the-executor" };
        await using var appHost = await AppHostProcess.StartAsync(stateDirectory, reset: true, output.Enqueue, timeout.Token, environment);

        var elapsed = await appHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), timeout.Token);
        TestContext.Progress.WriteLine($"AppHost: the gateway (last to start) healthy after {elapsed.TotalSeconds:0.0} s (cold state folder)");
        var services = ResourceNames.Services.ToDictionary(name => name, appHost.FindService);
        var pids = appHost.ProcessIds();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var unhealthy = new List<string>();
        foreach (var (name, service) in services)
        {
            if (service is not { } found || !await HealthyAsync(http, new Uri(found.Environment["ASPNETCORE_URLS"]), timeout.Token))
            {
                unhealthy.Add(name);
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(unhealthy, Is.Empty, "services not running or not healthy\n" + appHost.RecentOutput());
            Assert.That(services[ResourceNames.Executor]?.Environment.Keys.Where(key => key.StartsWith("GitHub__", StringComparison.OrdinalIgnoreCase)), Is.Empty, "ADR-008");
            Assert.That(services[ResourceNames.ResultProcessor]?.Environment.GetValueOrDefault("GitHub__Api__Token"), Is.EqualTo(environment["GitHub__Api__Token"]));
            Assert.That(services[ResourceNames.IngressGateway]?.Environment.GetValueOrDefault("ASPNETCORE_URLS"), Is.EqualTo(appHost.Gateway.ToString().TrimEnd('/')));
            Assert.That(pids, Has.Count.GreaterThanOrEqualTo(14), "the AppHost, DCP, the dashboard, epmd, two servers and eight services");
        });

        await AssertInstallationCredentialsAsync(appHost, stateDirectory, services[ResourceNames.IngressGateway]!.Value.Environment, output, timeout.Token);
        pids = [.. pids.Union(appHost.ProcessIds())];

        var exitCode = await appHost.TerminateAsync(TimeSpan.FromSeconds(90), timeout.Token);
        var allGone = await Polling.UntilAsync(() => !pids.Any(ProcessTree.IsAlive), TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, appHost.RecentOutput());
            Assert.That(allGone, Is.True, "processes left behind after SIGTERM: " + string.Join(", ", pids.Where(ProcessTree.IsAlive)));
        });
    }

    [Test]
    public async Task Should_fail_with_a_clear_line_when_the_dashboard_port_is_taken()
    {
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        await using var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = "apphost",
            FileName = DotNetHost.Path,
            Arguments = [AppHostProcess.AssemblyPath, "--state-dir", Path.Combine(TestEnvironment.Root, $"taken-{Guid.NewGuid():N}"), "--dashboard-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        }, CancellationToken.None);

        var exited = await process.WaitForExitAsync(TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(exited, Is.True, "the AppHost hung on a taken dashboard port");
            Assert.That(process.HasExited ? process.Completion.Result : -1, Is.EqualTo(1));
            Assert.That(process.DescribeRecentOutput(), Does.Contain($"The dashboard port {port} is in use"));
        });
    }

    [TestCase(new[] { "--dashboard-port", "0" }, "--dashboard-port needs a port number (1-65535).")]
    [TestCase(new[] { "--gateway-port", "65536" }, "--gateway-port needs a port number (1-65535).")]
    [TestCase(new[] { "--gateway-port", "http" }, "--gateway-port needs a port number (1-65535).")]
    [TestCase(new[] { "--demo", "--demo-port", "0" }, "--demo-port needs a port number (1-65535).")]
    [TestCase(new[] { "--state-dir" }, "Required argument missing for option: '--state-dir'.")]
    [TestCase(new[] { "--demo", "--replicas", "2" }, "Unrecognized command or argument '--replicas'.")]
    public async Task Should_exit_with_code_2_naming_the_mistake_before_starting_anything_when_a_run_option_is_wrong(string[] arguments, string message)
    {
        var stateDirectory = Path.Combine(TestEnvironment.Root, $"bad-arguments-{Guid.NewGuid():N}");
        var (exitCode, output) = await RunAppHostAsync(arguments, stateDirectory);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2), output);
            Assert.That(output.Split('\n'), Has.Exactly(1).EqualTo(message), "one line names the mistake: " + output);
            Assert.That(output, Does.Contain("Usage:"), "followed by the help");
            Assert.That(Directory.Exists(stateDirectory), Is.False, "nothing started, no state folder");
        });
    }

    [Test]
    public async Task Should_describe_every_run_option_and_the_publish_command_in_the_help()
    {
        var (exitCode, output) = await RunAppHostAsync(["--help"], Path.Combine(TestEnvironment.Root, $"help-{Guid.NewGuid():N}"));

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("--state-dir <path>").And.Contain("$AGENTIC_STATE_DIR").And.Contain("/var/lib/agentic as root"));
            Assert.That(output, Does.Contain("--reset").And.Contain("the credentials stay"));
            Assert.That(output, Does.Match(@"--dashboard-port <port>\s+Aspire dashboard port on 127\.0\.0\.1; \$AppHost__DashboardPort sets the default \[default: 18888\]"));
            Assert.That(output, Does.Match(@"--gateway-port <port>\s+Ingress Gateway port .*\[default: 18080\]"));
            Assert.That(output, Does.Contain("--demo").And.Contain("demo GitHub (http://127.0.0.1:18090)"));
            Assert.That(output, Does.Match(@"--demo-port <port>\s+The demo GitHub's port on 127\.0\.0\.1 \(with --demo\); \$AppHost__DemoPort sets the default \[default: 18090\]"));
            Assert.That(output, Does.Match(@"publish\s+Writes Kubernetes manifests"));
        });
    }

    /// <summary>The built AppHost as run.sh runs it, expected to exit on its own within a minute: exit code and every output line.</summary>
    private static async Task<(int ExitCode, string Output)> RunAppHostAsync(IReadOnlyList<string> arguments, string stateDirectory)
    {
        await using var process = await ChildProcess.StartAsync(new ChildProcessStartInfo
        {
            Name = "apphost",
            FileName = DotNetHost.Path,
            Arguments = [AppHostProcess.AssemblyPath, .. arguments],
            Environment = new Dictionary<string, string?> { ["AppHost__StateDirectory"] = stateDirectory, ["AppHost__DashboardPort"] = null, ["AppHost__GatewayPort"] = null, ["AppHost__DemoPort"] = null },
        }, CancellationToken.None);
        var exited = await process.WaitForExitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        Assert.That(exited, Is.True, $"the AppHost with {string.Join(' ', arguments)} did not exit: {process.DescribeRecentOutput()}");
        return (await process.Completion, string.Join('\n', process.RecentOutput));
    }

    private static async Task<bool> HealthyAsync(HttpClient http, Uri service, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(service, HealthEndpoints.Readiness), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Issues 9 and 11 on the running system: the gateway knows only the installation's own webhook secret and operator
    /// key (the published development values are refused), the AppHost said where they are and never what, the secret
    /// files are private, and the services do not run in Development.
    /// </summary>
    private static async Task AssertInstallationCredentialsAsync(
        AppHostProcess appHost, string stateDirectory, IReadOnlyDictionary<string, string> gatewayEnvironment, ConcurrentQueue<string> output, CancellationToken cancellationToken)
    {
        string[] names = ["postgres-password", "rabbitmq-password", WebhookSecret, OperatorKey];
        var values = names.Select(appHost.ReadSecret).ToList();
        using var http = new HttpClient { BaseAddress = appHost.Gateway, Timeout = TimeSpan.FromSeconds(30) };
        var body = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome.","hook_id":1}""");

        using var withPublishedSecret = await http.SendAsync(Ping(body, "agentic-development-webhook-secret"), cancellationToken);
        using var withOwnSecret = await http.SendAsync(Ping(body, appHost.ReadSecret(WebhookSecret)), cancellationToken);
        using var withPublishedKey = await http.SendAsync(Deliveries("agentic-development-operator-key"), cancellationToken);
        using var withOwnKey = await http.SendAsync(Deliveries(appHost.ReadSecret(OperatorKey)), cancellationToken);
        var printed = string.Join('\n', output);

        Assert.Multiple(() =>
        {
            Assert.That(withPublishedSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the published development webhook secret");
            Assert.That(withOwnSecret.IsSuccessStatusCode, Is.True, $"the installation's webhook secret: {withOwnSecret.StatusCode}");
            Assert.That(withPublishedKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the published development operator key");
            Assert.That(withOwnKey.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the installation's operator key");
            Assert.That(values, Is.Unique);
            Assert.That(names.Select(name => File.GetUnixFileMode(Path.Combine(stateDirectory, "secrets", name))),
                Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(printed, Does.Contain(Path.Combine(stateDirectory, "secrets", OperatorKey)).And.Contain(Path.Combine(stateDirectory, "secrets", WebhookSecret)));
            Assert.That(values.Where(value => printed.Contains(value, StringComparison.Ordinal)), Is.Empty, "a secret's value in the AppHost's output");
            Assert.That(gatewayEnvironment.GetValueOrDefault("ASPNETCORE_ENVIRONMENT"), Is.EqualTo("Production"));
            Assert.That(gatewayEnvironment.GetValueOrDefault("DOTNET_ENVIRONMENT"), Is.EqualTo("Production"));
        });

        static HttpRequestMessage Ping(byte[] body, string secret)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-GitHub-Event", "ping");
            request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
            request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
            return request;
        }

        static HttpRequestMessage Deliveries(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/deliveries");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return request;
        }
    }
}
