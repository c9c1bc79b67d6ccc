using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>
/// Watches what reaches RabbitMQ, independently of MassTransit: an exclusive queue bound to the fanout exchanges
/// MassTransit publishes each message type to (named <c>Namespace:Type</c>).
/// </summary>
public sealed class BusProbe : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentQueue<ProbedMessage> _received = new();

    private BusProbe(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public IReadOnlyList<ProbedMessage> Received => [.. _received];

    public static async Task<BusProbe> StartAsync(string connectionString, params Type[] messageTypes)
    {
        var factory = new ConnectionFactory { Uri = new Uri(connectionString) };
        var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        foreach (var type in messageTypes)
        {
            var exchange = $"{type.Namespace}:{type.Name}";
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
            await channel.QueueBindAsync(queue.QueueName, exchange, string.Empty);
        }

        var probe = new BusProbe(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            using var envelope = JsonDocument.Parse(delivery.Body);
            var type = envelope.RootElement.GetProperty("messageType")[0].GetString()!;
            probe._received.Enqueue(new ProbedMessage(type[(type.LastIndexOf(':') + 1)..], envelope.RootElement.GetProperty("message").Clone()));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue.QueueName, autoAck: true, consumer);
        return probe;
    }

    /// <summary>Waits until at least <paramref name="count"/> messages matching <paramref name="filter"/> arrived, then a little longer to catch extras.</summary>
    public async Task<IReadOnlyList<ProbedMessage>> WaitForAsync(int count, Func<ProbedMessage, bool>? filter = null, TimeSpan? timeout = null)
    {
        filter ??= _ => true;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline && _received.Count(filter) < count)
        {
            await Task.Delay(50);
        }

        await Task.Delay(300);
        return _received.Where(filter).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}

public sealed record ProbedMessage(string Type, JsonElement Message);
