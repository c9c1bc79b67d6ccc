using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Agentic.Contracts.Ingress;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.LocalServers;
using Agentic.ServiceDefaults;
using Agentic.StandIns;
using Agentic.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Agentic.IntegrationTests.IngressGateway;

/// <summary>How the gateway behaves when its dependencies fail, under load, and for operators.</summary>
public sealed class GatewayOperationsTests
{
    [Test]
    public async Task Should_accept_while_the_broker_is_down_and_publish_everything_when_it_returns()
    {
        var database = await TestEnvironment.CreateMigratedDatabaseAsync("gateway_broker");
        await using var broker = new RabbitMqServer(Path.Combine(TestEnvironment.Root, $"rabbitmq-{Guid.NewGuid():N}"));
        await broker.StartAsync(CancellationToken.None);
        const string queue = "probe-broker-outage";
        await BindDurableQueueAsync(broker.ConnectionString, queue, typeof(CheckRunCompleted));
        await using var gateway = new GatewayHost(database, broker.ConnectionString);
        _ = gateway.Server;
        var deliveries = await SignedCheckRunsAsync(3);

        await broker.StopAsync(CancellationToken.None);
        var answers = new List<(HttpStatusCode Status, string Body)>();
        foreach (var (deliveryId, body, signature) in deliveries)
        {
            using var response = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature);
            answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync()));
        }

        await broker.StartAsync(CancellationToken.None);
        var relayed = await CountMessagesAsync(broker.ConnectionString, queue, expected: 3, TimeSpan.FromSeconds(90));

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(HttpStatusCode.Accepted), "accepted: durable in the inbox");
            Assert.That(answers.Select(a => a.Body), Has.All.Contain("queued"));
            Assert.That(relayed, Is.EqualTo(3), "every accepted delivery reaches the bus once the broker is back");
        });
    }

    [Test]
    public async Task Should_be_ready_and_accept_when_the_broker_is_unreachable_from_the_start()
    {
        // Readiness is what acceptance needs (the database), not the broker: the inbox relays later, and a broker
        // outage must not turn into 503s to GitHub, which does not redeliver.
        var unreachable = $"amqp://guest:guest@127.0.0.1:{FreePort.Find()}/";
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_ready"), unreachable);
        using var client = gateway.CreateClient();
        var last = HttpStatusCode.InternalServerError;
        var ready = await Polling.UntilAsync(async () =>
        {
            using var health = await client.GetAsync(HealthEndpoints.Readiness);
            last = health.StatusCode;
            return last == HttpStatusCode.OK;
        });
        var (deliveryId, body, signature) = (await SignedCheckRunsAsync(1))[0];

        using var response = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature);

        Assert.Multiple(() =>
        {
            Assert.That(ready, Is.True, $"readiness answered {last} while only the broker is down");
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        });
    }

    [Test]
    public async Task Should_send_no_usage_telemetry_to_masstransit_unless_configured()
    {
        // MassTransit 8.4+ reports usage to its vendor over the internet a few minutes after start unless told not to.
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_telemetry"), TestEnvironment.RabbitMq.ConnectionString);
        await using var optedIn = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_telemetry_on"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?> { ["Messaging:UsageTelemetry"] = "true" });

        Assert.Multiple(() =>
        {
            Assert.That(gateway.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.False);
            Assert.That(optedIn.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled, Is.True);
        });
    }

    [Test]
    public async Task Should_answer_503_with_retry_after_when_the_database_is_down()
    {
        var unreachable = $"Host=127.0.0.1;Port={FreePort.Find()};Database=agentic;Username=postgres;Timeout=2";
        await using var gateway = new GatewayHost(unreachable, TestEnvironment.RabbitMq.ConnectionString);
        var (deliveryId, body, signature) = (await SignedCheckRunsAsync(1))[0];

        using var response = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
        });
    }

    [Test]
    public async Task Should_answer_503_with_retry_after_within_5_seconds_when_postgresql_hangs()
    {
        // A stopped (not dead) server: connections open, nothing answers, no RST. Npgsql's and TCP's own timeouts
        // used to make this 60-75 s; GitHub gives up after 10 s and Slack after 3 s.
        await using var postgres = new TemporaryPostgres("gwhang");
        await postgres.StartAsync();
        var database = await postgres.CreateMigratedDatabaseAsync(CancellationToken.None);
        await using var gateway = new GatewayHost(database, TestEnvironment.RabbitMq.ConnectionString);
        var deliveries = await SignedCheckRunsAsync(4);
        using var warm = await gateway.PostGitHubAsync("check_run", deliveries[0].DeliveryId, deliveries[0].Body, deliveries[0].Signature);
        Assert.That(warm.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the pool holds live connections before the hang");

        var answers = new List<(HttpStatusCode Status, bool RetryAfter, TimeSpan Elapsed)>();
        var frozen = await FreezeAsync(postgres.Server.Pid!.Value);
        try
        {
            // Concurrently, as GitHub delivers: the first batch hangs in the writer and the others queue behind it.
            answers.AddRange(await Task.WhenAll(deliveries.Skip(1).Select(async d =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await gateway.PostGitHubAsync("check_run", d.DeliveryId, d.Body, d.Signature);
                return (response.StatusCode, response.Headers.RetryAfter is not null, clock.Elapsed);
            })));
        }
        finally
        {
            ProcessTree.Signal(frozen, Signals.Continue);
        }

        foreach (var (status, _, elapsed) in answers)
        {
            await TestContext.Out.WriteLineAsync($"PostgreSQL hung: {(int)status} after {elapsed.TotalMilliseconds:F0} ms");
        }

        // After the hang the sender's redelivery is accepted (a row committed late is a duplicate, also fine).
        var (deliveryId, body, signature) = deliveries[1];
        var last = HttpStatusCode.ServiceUnavailable;
        var recovered = await Polling.UntilAsync(async () =>
        {
            using var redelivery = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature);
            last = redelivery.StatusCode;
            return last is HttpStatusCode.Accepted or HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(60));

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(answers.Select(a => a.RetryAfter), Has.All.True, "503 carries Retry-After");
            Assert.That(answers.Select(a => a.Elapsed), Has.All.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(recovered, Is.True, $"the redelivery after the hang answered {last}");
        });
    }

    [Test]
    public async Task Should_answer_202_within_5_seconds_and_publish_each_delivery_once_when_rabbitmq_hangs()
    {
        var database = await TestEnvironment.CreateMigratedDatabaseAsync("gateway_broker_hang");
        await using var broker = new RabbitMqServer(Path.Combine(TestEnvironment.Root, $"rabbitmq-{Guid.NewGuid():N}"));
        await broker.StartAsync(CancellationToken.None);
        const string queue = "probe-broker-hang";
        await BindDurableQueueAsync(broker.ConnectionString, queue, typeof(CheckRunCompleted));
        await using var gateway = new GatewayHost(database, broker.ConnectionString);
        var deliveries = await SignedCheckRunsAsync(6);
        using var warm = await gateway.PostGitHubAsync("check_run", deliveries[0].DeliveryId, deliveries[0].Body, deliveries[0].Signature);
        Assert.That(await Polling.UntilAsync(async () => await OutboxCountAsync(database) == 0, TimeSpan.FromSeconds(60)), Is.True, "the bus is connected before the hang");

        var answers = new List<(HttpStatusCode Status, string Body, TimeSpan Elapsed)>();
        var frozen = await FreezeAsync(broker.Pid!.Value);
        try
        {
            foreach (var (deliveryId, body, signature) in deliveries.Skip(1))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature);
                answers.Add((response.StatusCode, await response.Content.ReadAsStringAsync(), clock.Elapsed));
            }

            // The fault itself: the hang outlasts the relay's minimum age and several of its passes (every 0.5 s),
            // which is when the relay used to publish the rows whose first publish was still waiting in the socket.
            await Task.Delay(TimeSpan.FromSeconds(8));
        }
        finally
        {
            ProcessTree.Signal(frozen, Signals.Continue);
        }

        foreach (var (status, body, elapsed) in answers)
        {
            await TestContext.Out.WriteLineAsync($"RabbitMQ hung: {(int)status} {body} after {elapsed.TotalMilliseconds:F0} ms");
        }

        // An empty outbox means every publish is confirmed and nothing is left for the relay: the count is final.
        var drained = await Polling.UntilAsync(async () => await OutboxCountAsync(database) == 0, TimeSpan.FromSeconds(90));
        var published = await CountMessagesAsync(broker.ConnectionString, queue, expected: deliveries.Count, TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Status), Has.All.EqualTo(HttpStatusCode.Accepted), "recorded: durable in the inbox");
            Assert.That(answers.Select(a => a.Body), Has.Some.Contain("queued"), "the broker really hung");
            Assert.That(answers.Select(a => a.Elapsed), Has.All.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(drained, Is.True, "every delivery's publish was confirmed after the hang");
            Assert.That(published, Is.EqualTo(deliveries.Count), "each delivery on the bus exactly once");
        });
    }

    [Test]
    public async Task Should_answer_429_with_retry_after_over_the_per_source_rate()
    {
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_rate"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?> { ["Inbox:PermitsPerSecond"] = "2" });
        var deliveries = await SignedCheckRunsAsync(6);

        var responses = await Task.WhenAll(deliveries.Select(d => gateway.PostGitHubAsync("check_run", d.DeliveryId, d.Body, d.Signature)));

        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(limited, Is.Not.Empty);
            Assert.That(limited, Has.All.Matches<HttpResponseMessage>(r => r.Headers.RetryAfter != null));
            Assert.That(responses.Count(r => r.StatusCode == HttpStatusCode.Accepted), Is.EqualTo(6 - limited.Count));
        });
    }

    [Test]
    public async Task Should_list_recent_deliveries_and_replay_one_for_an_operator()
    {
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_ops"), TestEnvironment.RabbitMq.ConnectionString);
        var (deliveryId, body, signature) = (await SignedCheckRunsAsync(1))[0];
        using (var accepted = await gateway.PostGitHubAsync("check_run", deliveryId, body, signature))
        {
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        var client = gateway.CreateClient();
        using var anonymous = await client.GetAsync("/api/deliveries");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);
        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/deliveries?source=github&limit=10")).RootElement;
        await using var probe = await BusProbe.StartAsync(TestEnvironment.RabbitMq.ConnectionString, typeof(CheckRunCompleted));
        using var replay = await client.PostAsync($"/api/deliveries/github/{deliveryId}/replay", null);
        using var missing = await client.PostAsync("/api/deliveries/github/no-such-delivery/replay", null);

        var replayed = await probe.WaitForAsync(1, m => m.Message.GetProperty("deliveryId").GetString() == deliveryId, TimeSpan.FromSeconds(10));
        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(listed.EnumerateArray().Select(d => d.GetProperty("deliveryId").GetString()), Does.Contain(deliveryId));
            Assert.That(listed.EnumerateArray().First(d => d.GetProperty("deliveryId").GetString() == deliveryId).GetProperty("published").GetBoolean(), Is.True);
            Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(replayed, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_front_other_http_surfaces_under_one_origin()
    {
        var backendPort = FreePort.Find();
        var backendBuilder = WebApplication.CreateSlimBuilder();
        backendBuilder.WebHost.UseUrls($"http://127.0.0.1:{backendPort}");
        await using var backend = backendBuilder.Build();
        backend.MapGet("/status", (HttpRequest request) => Results.Text($"dashboard says hello to {request.Headers["X-Forwarded-Host"]}"));
        await backend.StartAsync();
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_proxy"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?>
            {
                ["ReverseProxy:Routes:dashboard:ClusterId"] = "dashboard",
                ["ReverseProxy:Routes:dashboard:Match:Path"] = "/dashboard/{**rest}",
                ["ReverseProxy:Routes:dashboard:Transforms:0:PathRemovePrefix"] = "/dashboard",
                ["ReverseProxy:Clusters:dashboard:Destinations:local:Address"] = $"http://127.0.0.1:{backendPort}/",
            });

        var text = await gateway.CreateClient().GetStringAsync("/dashboard/status");

        Assert.That(text, Does.StartWith("dashboard says hello"));
        await backend.StopAsync();
    }

    [Test]
    public async Task Should_send_workflows_to_an_explicitly_configured_cluster_without_the_operator_key()
    {
        var seen = new List<string?>();
        await using var backend = await StartBackendAsync((request, path) =>
        {
            lock (seen)
            {
                seen.Add(request.Headers.Authorization.Count == 0 ? null : request.Headers.Authorization.ToString());
            }

            return Results.Json(new { items = Array.Empty<object>(), next = (string?)null, path });
        });
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_wf_cluster"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?>
            {
                // The explicit cluster wins over the address the AppHost would pass (nothing listens there).
                [$"ReverseProxy:Clusters:{ResourceNames.ResultProcessor}:Destinations:main:Address"] = backend.Address,
                [$"services:{ResourceNames.ResultProcessor}:http:0"] = $"http://127.0.0.1:{FreePort.Find()}",
            });
        var client = gateway.CreateClient();

        using var anonymous = await client.GetAsync("/api/workflows");
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);
        var list = JsonDocument.Parse(await client.GetStringAsync("/api/workflows?state=active")).RootElement;
        var one = JsonDocument.Parse(await client.GetStringAsync($"/api/workflows/{Guid.Empty}")).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(list.GetProperty("path").GetString(), Is.EqualTo("/api/workflows?state=active"));
            Assert.That(one.GetProperty("path").GetString(), Is.EqualTo($"/api/workflows/{Guid.Empty}"));
            Assert.That(seen, Has.Count.EqualTo(2), "the anonymous request never left the gateway");
            Assert.That(seen, Has.All.Null, "the operator key is not forwarded");
        });
    }

    [Test]
    public async Task Should_hide_workflows_when_no_operator_key_is_configured()
    {
        await using var backend = await StartBackendAsync((_, path) => Results.Json(new { path }));
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_wf_nokey"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?>
            {
                ["Inbox:OperatorApiKey"] = string.Empty,
                [$"services:{ResourceNames.ResultProcessor}:http:0"] = backend.Address,
            });
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);

        using var response = await client.GetAsync("/api/workflows");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("Inbox__OperatorApiKey"));
        });
    }

    [Test]
    public async Task Should_answer_503_for_workflows_when_the_result_processor_address_is_unknown()
    {
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_wf_noaddr"), TestEnvironment.RabbitMq.ConnectionString);
        var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);

        using var response = await client.GetAsync("/api/workflows");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain($"services__{ResourceNames.ResultProcessor}__http__0"));
        });
    }

    /// <summary>A stand-in for the Result Processor: answers every <c>/api/workflows</c> request on a loopback port.</summary>
    private static async Task<Backend> StartBackendAsync(Func<HttpRequest, string, IResult> answer)
    {
        var port = FreePort.Find();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/api/workflows/{**rest}", (HttpRequest request) => answer(request, request.Path + request.QueryString));
        await app.StartAsync();
        return new Backend(app, $"http://127.0.0.1:{port}");
    }

    private sealed class Backend(WebApplication app, string address) : IAsyncDisposable
    {
        public string Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static async Task<List<(string DeliveryId, byte[] Body, string Signature)>> SignedCheckRunsAsync(int count)
    {
        var bodies = Enumerable.Range(0, count).Select(_ =>
        {
            var payload = WebhookExamples.Get("check_run", "completed").First();
            payload["check_run"]!["id"] = Random.Shared.NextInt64(1_000_000, long.MaxValue);
            return Encoding.UTF8.GetBytes(payload.ToJsonString());
        }).ToList();
        var signatures = await GitHubSigner.SignAsync(GatewayHost.GitHubSecret, bodies);
        return bodies.Select((body, i) => ($"ops-{Guid.NewGuid()}", body, signatures[i])).ToList();
    }

    /// <summary>SIGSTOP to a server and every process under it (PostgreSQL's backends, Erlang's port programs), once all are stopped.</summary>
    private static async Task<IReadOnlyList<ProcessTree.ProcessInfo>> FreezeAsync(int pid)
    {
        Assert.That(ProcessTree.TryRead(pid, out var root), Is.True, $"process {pid} is gone");
        List<ProcessTree.ProcessInfo> processes = [root, .. ProcessTree.Descendants(pid)];
        ProcessTree.Signal(processes, Signals.Stop);
        var stopped = await Polling.UntilAsync(() => processes.All(p => ProcessTree.TryRead(p.Pid, out var now) && now.State is 'T' or 't'), TimeSpan.FromSeconds(10));
        if (!stopped)
        {
            ProcessTree.Signal(processes, Signals.Continue);
            Assert.Fail($"the processes under {pid} did not stop");
        }

        return processes;
    }

    private static async Task<long> OutboxCountAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM webhook_outbox", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task BindDurableQueueAsync(string connectionString, string queue, Type messageType)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = $"{messageType.Namespace}:{messageType.Name}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, string.Empty);
    }

    private static async Task<int> CountMessagesAsync(string connectionString, string queue, int expected, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var count = 0u;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                await using var connection = await new ConnectionFactory { Uri = new Uri(connectionString) }.CreateConnectionAsync();
                await using var channel = await connection.CreateChannelAsync();
                count = await channel.MessageCountAsync(queue);
                if (count >= expected)
                {
                    await Task.Delay(1000);
                    return (int)await channel.MessageCountAsync(queue);
                }
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException)
            {
                // still coming back
            }

            await Task.Delay(500);
        }

        return (int)count;
    }
}
