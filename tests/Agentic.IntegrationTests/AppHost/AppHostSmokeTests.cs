using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Agentic.AppHost.Hosting;
using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Orchestration;
using Agentic.AppHost.Remote;
using Agentic.ServiceDefaults;
using Agentic.StandIns;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>The README's run command, end to end: the AppHost brings up every resource, then Ctrl+C leaves nothing behind.</summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class AppHostSmokeTests
{
    [Test]
    public async Task Should_bring_every_resource_up_healthy_and_leave_no_process_after_ctrl_c()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        var stateDirectory = Path.Combine(TestEnvironment.Root, "apphost-state");
        var output = new ConcurrentQueue<string>();
        await using var appHost = await AppHostProcess.StartAsync(stateDirectory, reset: true, output.Enqueue, timeout.Token);

        var (elapsed, resources) = await appHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), timeout.Token);
        TestContext.Progress.WriteLine($"AppHost: all {resources.Count} resources healthy after {elapsed.TotalSeconds:0.0} s (cold state folder)");
        var pids = appHost.ProcessIds();

        Assert.Multiple(() =>
        {
            Assert.That(resources.Select(r => r.Name), Is.SupersetOf(ResourceNames.Services.Append(ResourceNames.Postgres).Append(ResourceNames.Messaging)));
            Assert.That(resources.Where(r => r.Type == "project"), Has.All.Matches<ResourceSnapshot>(r => r.Pid is > 0 && r.Url is not null && r.Restarts == 0));
            Assert.That(resources.Single(r => r.Name == ResourceNames.Postgres).Pid, Is.GreaterThan(0));
            Assert.That(resources.Single(r => r.Name == ResourceNames.Messaging).Pid, Is.GreaterThan(0));
            Assert.That(pids, Has.Count.GreaterThanOrEqualTo(11), "the AppHost, two servers and eight services");
        });

        await AssertInstallationCredentialsAsync(appHost, stateDirectory, resources, output, timeout.Token);
        await AssertCrashedInfrastructureComesBackAsync(appHost, resources, timeout.Token);
        pids = [.. pids.Union(appHost.ProcessIds())];

        var exitCode = await appHost.InterruptAsync(TimeSpan.FromSeconds(90), timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);

        var survivors = pids.Where(ProcessTree.IsAlive).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, appHost.RecentOutput());
            Assert.That(survivors, Is.Empty, "processes left behind after Ctrl+C");
        });
    }

    /// <summary>
    /// Issue 11: kill -9 of PostgreSQL's postmaster and of RabbitMQ's broker. The AppHost starts each again on its port,
    /// and every service recovers by itself: its readiness (its database and broker) answers 200 again.
    /// </summary>
    private static async Task AssertCrashedInfrastructureComesBackAsync(AppHostProcess appHost, IReadOnlyList<ResourceSnapshot> resources, CancellationToken cancellationToken)
    {
        var killed = new Dictionary<string, int>();
        foreach (var name in new[] { ResourceNames.Postgres, ResourceNames.Messaging })
        {
            var pid = resources.Single(r => r.Name == name).Pid!.Value;
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            killed[name] = pid;
        }

        IReadOnlyList<ResourceSnapshot> now = [];
        var restarted = await Polling.UntilAsync(async () =>
        {
            now = await appHost.TryGetResourcesAsync(cancellationToken) ?? now;
            return killed.All(k => now.SingleOrDefault(r => r.Name == k.Key) is { State: ResourceStates.Running, Health: HealthStates.Healthy, Restarts: > 0 } r && r.Pid != k.Value);
        }, TimeSpan.FromMinutes(2));
        Assert.That(restarted, Is.True, "PostgreSQL and RabbitMQ started again: " + string.Join(", ", now.Select(r => $"{r.Name}={r.State}/{r.Health}/{r.Restarts}")) + "\n" + appHost.RecentOutput());

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var services = now.Where(r => r.Type == "project" && r.Url is not null).ToList();
        var notReady = services.Select(r => r.Name).ToList();
        var recovered = await Polling.UntilAsync(async () =>
        {
            var answers = await Task.WhenAll(services.Select(async r => (r.Name, Ready: await ReadyAsync(http, r.Url!, cancellationToken))));
            notReady = answers.Where(a => !a.Ready).Select(a => a.Name).ToList();
            return notReady.Count == 0;
        }, TimeSpan.FromMinutes(3));
        Assert.That(recovered, Is.True, "services whose readiness (database and broker) did not come back: " + string.Join(", ", notReady));

        static async Task<bool> ReadyAsync(HttpClient http, Uri service, CancellationToken cancellationToken)
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
    }

    /// <summary>
    /// Issues 9 and 11 on the running system: the gateway knows only the installation's own webhook secret and operator
    /// key (the published development values are refused), the AppHost said where they are and never what, the secret
    /// files are private, and the services do not run in Development.
    /// </summary>
    private static async Task AssertInstallationCredentialsAsync(
        AppHostProcess appHost, string stateDirectory, IReadOnlyList<ResourceSnapshot> resources, ConcurrentQueue<string> output, CancellationToken cancellationToken)
    {
        var secrets = new LocalSecrets(new StateDirectory(stateDirectory).Secrets);
        var values = LocalSecrets.Names.Select(appHost.ReadSecret).ToList();
        var gatewayResource = resources.Single(r => r.Name == ResourceNames.IngressGateway);
        var gateway = gatewayResource.Url!;
        using var http = new HttpClient { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        var body = Encoding.UTF8.GetBytes("""{"zen":"Keep it logically awesome.","hook_id":1}""");

        using var withPublishedSecret = await http.SendAsync(Ping(body, "agentic-development-webhook-secret"), cancellationToken);
        using var withOwnSecret = await http.SendAsync(Ping(body, appHost.ReadSecret(LocalSecrets.GitHubWebhookSecret)), cancellationToken);
        using var withPublishedKey = await http.SendAsync(Deliveries("agentic-development-operator-key"), cancellationToken);
        using var withOwnKey = await http.SendAsync(Deliveries(appHost.ReadSecret(LocalSecrets.OperatorApiKey)), cancellationToken);
        var gatewayEnvironment = File.ReadAllText($"/proc/{gatewayResource.Pid}/environ").Split('\0');
        var printed = string.Join('\n', output);

        Assert.Multiple(() =>
        {
            Assert.That(withPublishedSecret.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the published development webhook secret");
            Assert.That(withOwnSecret.IsSuccessStatusCode, Is.True, $"the installation's webhook secret: {withOwnSecret.StatusCode}");
            Assert.That(withPublishedKey.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the published development operator key");
            Assert.That(withOwnKey.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the installation's operator key");
            Assert.That(values, Is.Unique);
            Assert.That(LocalSecrets.Names.Select(name => File.GetUnixFileMode(secrets.PathOf(name))),
                Has.All.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(printed, Does.Contain(secrets.PathOf(LocalSecrets.OperatorApiKey)).And.Contain(secrets.PathOf(LocalSecrets.GitHubWebhookSecret)));
            Assert.That(values.Where(value => printed.Contains(value, StringComparison.Ordinal)), Is.Empty, "a secret's value in the AppHost's output");
            Assert.That(gatewayEnvironment, Does.Contain("ASPNETCORE_ENVIRONMENT=Production").And.Contain("DOTNET_ENVIRONMENT=Production"));
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
