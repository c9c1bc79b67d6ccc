using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Agentic.Persistence.Outbox;
using Agentic.Persistence.Sagas;
using Agentic.ServiceDefaults;
using Agentic.ServiceDefaults.Data;
using Agentic.ServiceDefaults.Messaging;
using Agentic.StandIns;
using Agentic.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using RabbitMQ.Client;

namespace Agentic.IntegrationTests.Persistence;

/// <summary>
/// The transactional inbox/outbox on real PostgreSQL and RabbitMQ: what a saga publishes is committed with its row and
/// reaches the broker exactly once, even when the host dies between the two; a message seen twice is consumed once.
/// </summary>
public sealed class PostgresOutboxTests
{
    private const string Table = "test_ticket_sagas";
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);
    private string _connectionString = null!;

    [SetUp]
    public async Task CreateDatabase()
    {
        _connectionString = await TestEnvironment.CreateMigratedDatabaseAsync("outbox");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.ExecuteAsync($"CREATE TABLE {Table} (LIKE fix_workflow_sagas INCLUDING ALL)");
    }

    [Test]
    public async Task Should_deliver_the_committed_outbox_exactly_once_from_a_new_host_when_the_first_dies_before_delivering()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        var id = NewId.NextGuid();

        using (var first = await StartHostAsync(broker, crashAfterCommit: true))
        {
            await first.Services.GetRequiredService<IBus>().Publish(new TicketOpened { CorrelationId = id });
            Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 1), Is.True, "the saga row and its outbox row committed");
            Assert.That(await SagaCountAsync(id), Is.EqualTo(1));
            await first.StopAsync();
        }

        Assert.That(await ReadProbeAsync(broker, probe), Is.Empty, "the first host died before its outbox reached the broker");

        using var second = await StartHostAsync(broker);
        Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 0, TimeSpan.FromSeconds(60)), Is.True, "the new host's relay delivered the outbox");

        var delivered = await ReadProbeAsync(broker, probe);
        Assert.Multiple(async () =>
        {
            Assert.That(delivered.Select(d => d.CorrelationId), Is.EqualTo(new[] { id }), "exactly once");
            Assert.That(await SagaCountAsync(id), Is.EqualTo(1), "the saga did not run again");
        });
        await second.StopAsync();
    }

    [Test]
    public async Task Should_leave_an_outbox_to_the_service_that_owns_it()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        using (var first = await StartHostAsync(broker, crashAfterCommit: true))
        {
            await first.Services.GetRequiredService<IBus>().Publish(new TicketOpened { CorrelationId = NewId.NextGuid() });
            Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 1), Is.True);
            await first.StopAsync();
        }

        // Another service's relay runs over its own tables only: the leftover stays until its owner's relay runs.
        using (var other = await StartHostAsync(broker, owner: "check_analyzer", registerSaga: false))
        {
            var relay = other.Services.GetServices<IHostedService>().OfType<PostgresOutboxRelay>().Single();
            Assert.That(await relay.RelayOnceAsync(CancellationToken.None), Is.Zero);
            Assert.That(await UndeliveredAsync(), Is.EqualTo(1));
            await other.StopAsync();
        }

        using var owner = await StartHostAsync(broker);
        Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 0, TimeSpan.FromSeconds(60)), Is.True, "its owner delivered it");
        Assert.That(await ReadProbeAsync(broker, probe), Has.Count.EqualTo(1));
        await owner.StopAsync();
    }

    [Test]
    public async Task Should_continue_the_consumed_message_trace_when_the_relay_delivers_a_stored_outbox()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        var id = NewId.NextGuid();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using var workflow = new Activity("workflow").Start();

        using (var first = await StartHostAsync(broker, crashAfterCommit: true))
        {
            await first.Services.GetRequiredService<IBus>().Publish(new TicketOpened { CorrelationId = id });
            Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 1), Is.True, "the saga row and its outbox row committed");
            await first.StopAsync();
        }

        // The relay runs outside any trace: only the stored message can carry the consumer's trace on.
        Activity.Current = null;
        using var second = await StartHostAsync(broker);
        Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 0, TimeSpan.FromSeconds(60)), Is.True, "the new host's relay delivered the outbox");

        var delivered = await ReadProbeActivitiesAsync(broker, probe);
        Assert.That(delivered, Has.Count.EqualTo(1));
        Assert.That(ActivityContext.TryParse(delivered[0], null, out var context) ? context.TraceId : default, Is.EqualTo(workflow.TraceId),
            $"the relayed message's MT-Activity-Id {delivered[0]} continues trace {workflow.TraceId}");
        await second.StopAsync();
    }

    [Test]
    public async Task Should_consume_a_message_once_when_it_is_delivered_twice_with_the_same_message_id()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        var id = NewId.NextGuid();
        var messageId = NewId.NextGuid();
        using var host = await StartHostAsync(broker);
        var bus = host.Services.GetRequiredService<IBus>();

        await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => bus.Publish(new TicketOpened { CorrelationId = id }, c => c.MessageId = messageId)));
        Assert.That(await Polling.UntilAsync(async () => await ReceiveCountAsync(messageId) == 2 && await UndeliveredAsync() == 0), Is.True,
            "both copies were received and the outbox is drained");

        var delivered = await ReadProbeAsync(broker, probe);
        Assert.Multiple(async () =>
        {
            Assert.That(await SagaCountAsync(id), Is.EqualTo(1), "the second copy did not run the saga");
            Assert.That(delivered.Select(d => d.CorrelationId), Is.EqualTo(new[] { id }), "one acknowledgement");
        });
        await host.StopAsync();
    }

    [Test]
    public async Task Should_retry_the_relay_while_the_broker_is_down_and_deliver_once_it_is_back()
    {
        await using var broker = new RabbitMqServer(Path.Combine(TestEnvironment.Root, $"rabbitmq-{Guid.NewGuid():N}"));
        await broker.StartAsync(CancellationToken.None);
        var probe = await BindProbeQueueAsync(broker.ConnectionString);
        var id = NewId.NextGuid();
        using (var first = await StartHostAsync(broker.ConnectionString, crashAfterCommit: true))
        {
            await first.Services.GetRequiredService<IBus>().Publish(new TicketOpened { CorrelationId = id });
            Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 1), Is.True);
            await first.StopAsync();
        }

        await broker.StopAsync(CancellationToken.None);
        using var second = await StartHostAsync(broker.ConnectionString, waitForBus: false);
        Assert.That(await Polling.UntilAsync(async () => await RelayAttemptsAsync() >= 2, TimeSpan.FromSeconds(60)), Is.True,
            "the relay tried, failed and tried again while the broker was down");
        Assert.That(await UndeliveredAsync(), Is.EqualTo(1));

        await broker.StartAsync(CancellationToken.None);
        Assert.That(await Polling.UntilAsync(async () => await UndeliveredAsync() == 0, TimeSpan.FromSeconds(90)), Is.True, "delivered once the broker was back");

        var delivered = await ReadProbeAsync(broker.ConnectionString, probe);
        Assert.That(delivered.Select(d => d.CorrelationId), Is.EqualTo(new[] { id }));
        await second.StopAsync();
    }

    [Test]
    public async Task Should_deliver_an_outbox_larger_than_the_delivery_limit_once_and_in_order()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        var id = NewId.NextGuid();
        var messageId = NewId.NextGuid();
        using var host = await StartHostAsync(broker);

        // The test host delivers at most two messages per pass: five take three delivery passes.
        await host.Services.GetRequiredService<IBus>().Publish(new TicketBatchRequested { CorrelationId = id, Count = 5 }, c => c.MessageId = messageId);
        Assert.That(await Polling.UntilAsync(async () => await DeliveredAsync(messageId)), Is.True, "the inbox row was marked delivered");

        var delivered = await ReadProbeAsync(broker, probe);
        Assert.Multiple(async () =>
        {
            Assert.That(delivered.Select(d => d.Count), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }), "each once, in the order published");
            Assert.That(await UndeliveredAsync(), Is.Zero, "the delivered outbox was removed");
        });
        await host.StopAsync();
    }

    [Test]
    public async Task Should_finish_a_consume_that_sends_nothing_in_the_transaction_that_consumed_it()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var messageId = NewId.NextGuid();
        using var host = await StartHostAsync(broker);

        await host.Services.GetRequiredService<IBus>().Publish(new TicketBatchRequested { CorrelationId = NewId.NextGuid(), Count = 0 }, c => c.MessageId = messageId);
        Assert.That(await Polling.UntilAsync(async () => await DeliveredAsync(messageId)), Is.True, "consumed and marked delivered");

        // now() is the transaction's start time: equal marks were written by one transaction, not three.
        await using var connection = new NpgsqlConnection(_connectionString);
        var sameTransaction = await connection.ExecuteScalarAsync<bool>(
            "SELECT consumed_at = delivered_at FROM result_processor_outbox_inbox_states WHERE message_id = @messageId", new { messageId });
        Assert.That(sameTransaction, Is.True);
        await host.StopAsync();
    }

    [Test]
    public async Task Should_deliver_the_outbox_its_consume_wrote_without_reading_it_back()
    {
        var broker = TestEnvironment.RabbitMq.ConnectionString;
        var probe = await BindProbeQueueAsync(broker);
        var id = NewId.NextGuid();
        var altered = NewId.NextGuid();
        var changed = 0;

        // Between the consume's commit and the delivery, the stored row is changed behind the handler's back: a delivery
        // that read the rows again would send the altered copy.
        var faults = new PostgresOutboxFaults
        {
            AfterConsumeCommitted = async (_, _) =>
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                changed += await connection.ExecuteAsync(
                    "UPDATE result_processor_outbox_messages SET body = replace(body, @id, @altered)", new { id = id.ToString(), altered = altered.ToString() });
            },
        };
        using var host = await StartHostAsync(broker, faults: faults);
        await host.Services.GetRequiredService<IBus>().Publish(new TicketOpened { CorrelationId = id });
        Assert.That(await Polling.UntilAsync(async () => await SagaCountAsync(id) == 1 && await UndeliveredAsync() == 0), Is.True, "consumed, delivered and removed");

        var delivered = await ReadProbeAsync(broker, probe);
        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.EqualTo(1), "the stored row was altered before the delivery");
            Assert.That(delivered.Select(d => d.CorrelationId), Is.EqualTo(new[] { id }), "the message as the consume sent it, once");
        });
        await host.StopAsync();
    }

    private async Task<IHost> StartHostAsync(
        string broker, bool crashAfterCommit = false, bool waitForBus = true, string owner = "result_processor", bool registerSaga = true,
        PostgresOutboxFaults? faults = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"ConnectionStrings:{ResourceNames.Database}"] = _connectionString,
            [$"ConnectionStrings:{ResourceNames.Messaging}"] = broker,
            // The simulated crash must not be healed by an in-process retry: the new host is what delivers.
            ["Messaging:RetryLimit"] = crashAfterCommit ? "0" : "5",
            ["Outbox:RelayInterval"] = "00:00:00.200",
            ["Outbox:RelayMinAge"] = "00:00:00",
            ["Outbox:RelayMaxBackoff"] = "00:00:01",
            ["Outbox:MessageDeliveryTimeout"] = "00:00:02",
            ["Outbox:MessageDeliveryLimit"] = "2",
        });
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        builder.AddAgenticDatabase();
        builder.Services.AddPostgresOutbox(owner);
        if (crashAfterCommit)
        {
            // The host "dies" right after the commit: nothing of this handling reaches the broker, and its relay is off.
            builder.Services.AddSingleton(new PostgresOutboxFaults { AfterConsumeCommitted = (_, _) => throw new SimulatedCrashException() });
            builder.Configuration["Outbox:RelayInterval"] = "01:00:00";
            builder.Configuration["Outbox:RelayMaxBackoff"] = "01:00:00";
        }
        else if (faults is not null)
        {
            builder.Services.AddSingleton(faults);
        }

        builder.AddAgenticMessaging(bus =>
        {
            if (registerSaga)
            {
                bus.AddSagaStateMachine<TicketStateMachine, TicketState>(typeof(TicketStateDefinition)).PostgresRepository(Table);
                bus.AddConsumer<TicketBatchConsumer, TicketBatchConsumerDefinition>();
            }
        });
        var host = builder.Build();
        await host.StartAsync();
        if (waitForBus)
        {
            await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        }

        return host;
    }

    private async Task<int> UndeliveredAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM result_processor_outbox_messages");
    }

    private async Task<bool> DeliveredAsync(Guid messageId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<bool>(
            "SELECT coalesce(bool_and(delivered_at IS NOT NULL), false) FROM result_processor_outbox_inbox_states WHERE message_id = @messageId", new { messageId });
    }

    private async Task<int> RelayAttemptsAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<int>("SELECT coalesce(max(relay_attempts), 0) FROM result_processor_outbox_inbox_states");
    }

    private async Task<int> ReceiveCountAsync(Guid messageId)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<int>("SELECT coalesce(sum(receive_count), 0)::int FROM result_processor_outbox_inbox_states WHERE message_id = @messageId", new { messageId });
    }

    private async Task<int> SagaCountAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        return await connection.ExecuteScalarAsync<int>($"SELECT (data->>'Count')::int FROM {Table} WHERE correlation_id = @id", new { id });
    }

    /// <summary>A durable queue of its own bound to <see cref="TicketAcknowledged"/>'s exchange: it keeps what arrives across a broker restart.</summary>
    private static async Task<string> BindProbeQueueAsync(string broker)
    {
        var queue = $"probe-ticket-acknowledged-{Guid.NewGuid():N}";
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = $"{typeof(TicketAcknowledged).Namespace}:{nameof(TicketAcknowledged)}";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, string.Empty);
        return queue;
    }

    /// <summary>Everything in the probe queue now (taken off it). Called once the outbox is drained, so nothing more can come.</summary>
    private static async Task<List<TicketAcknowledged>> ReadProbeAsync(string broker, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var messages = new List<TicketAcknowledged>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            using var envelope = JsonDocument.Parse(result.Body);
            messages.Add(envelope.RootElement.GetProperty("message").Deserialize<TicketAcknowledged>(WebJson)!);
        }

        return messages;
    }

    /// <summary>The <c>MT-Activity-Id</c> header (W3C traceparent) of everything in the probe queue now, taken off it.</summary>
    private static async Task<List<string?>> ReadProbeActivitiesAsync(string broker, string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = new Uri(broker) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var activities = new List<string?>();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            activities.Add(result.BasicProperties.Headers?.TryGetValue("MT-Activity-Id", out var value) == true && value is byte[] bytes
                ? Encoding.UTF8.GetString(bytes)
                : null);
        }

        return activities;
    }

    private sealed class SimulatedCrashException() : Exception("simulated crash between the outbox commit and its delivery");
}
