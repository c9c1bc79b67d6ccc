using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Agentic.IngressGateway.Options;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>
/// Publishes a delivery's typed event and waits for RabbitMQ's publisher confirm (many requests publish concurrently,
/// so confirms pipeline). A delivery has at most one publish under way in this process: the request's and the relay's
/// publish go through <see cref="PublishOnceAsync"/>, which joins a publish already in flight instead of starting a
/// second one. A publish the caller stopped waiting for (the broker hung) stays in flight until the broker confirms
/// or the connection fails, and keeps the delivery away from the relay until its outbox row is gone; so a late confirm
/// and the relay can never both put the same delivery on the bus.
/// </summary>
public sealed partial class DeliveryPublisher(IBus bus, InboxWriter writer, IOptions<InboxOptions> options, ILogger<DeliveryPublisher> logger)
{
    private readonly ConcurrentDictionary<(string Source, string DeliveryId), Task> _inFlight = new();

    /// <summary>True while a publish of this delivery is under way here, or confirmed and its outbox row not yet removed.</summary>
    public bool IsInFlight(InboxDelivery delivery) => _inFlight.ContainsKey((delivery.Source, delivery.DeliveryId));

    /// <summary>
    /// Publishes unless a publish of the delivery is already under way, and waits up to <see cref="InboxOptions.PublishTimeout"/>
    /// for the broker's confirm. False when it did not come in time (the publish goes on; the relay leaves the delivery
    /// alone meanwhile) or the publish failed (the relay publishes it later).
    /// </summary>
    public async Task<bool> PublishOnceAsync(InboxDelivery delivery, object message, CancellationToken cancellationToken)
    {
        var confirmed = Start(delivery, message);
        try
        {
            await confirmed.WaitAsync(options.Value.PublishTimeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            LogPublishSlow(logger, delivery.Source, delivery.DeliveryId, options.Value.PublishTimeout);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, ex, delivery.Source, delivery.DeliveryId);
            return false;
        }
    }

    /// <summary>An operator's replay: a deliberate second publish (a new message id), with the configured timeout; throws when the broker does not confirm.</summary>
    public async Task PublishAgainAsync(object message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.PublishTimeout);
        await bus.Publish(message, message.GetType(), timeout.Token).WaitAsync(options.Value.PublishTimeout, cancellationToken);
    }

    /// <summary>
    /// The message id of a delivery's event: the same for every publish of that delivery (a name-based UUID of source
    /// and delivery id), so whatever reaches the bus twice despite the guard (a gateway that died between the broker's
    /// receipt and its confirm, two gateways racing a very late confirm) is recognisably the same message.
    /// </summary>
    public static Guid MessageIdOf(string source, string deliveryId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{source}\n{deliveryId}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: custom, name-based
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    // Returns the task of the broker's confirm; the registry entry lives until the outbox row is removed as well.
    private Task Start(InboxDelivery delivery, object message)
    {
        var key = (delivery.Source, delivery.DeliveryId);
        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(key, confirm.Task))
        {
            if (_inFlight.TryGetValue(key, out var running))
            {
                // Joins the publish under way; its confirm is what this caller waits for too.
                return running;
            }
        }

        _ = RunAsync(key, delivery, message, confirm);
        return confirm.Task;
    }

    private async Task RunAsync((string Source, string DeliveryId) key, InboxDelivery delivery, object message, TaskCompletionSource confirm)
    {
        var entry = new KeyValuePair<(string, string), Task>(key, confirm.Task);
        try
        {
            // No timeout here: cancelling a publish whose frame is already in the broker's socket would not take it
            // back. It ends with the confirm, a nack, or the connection's failure (heartbeat) and only then frees the
            // delivery for the relay.
            var messageId = MessageIdOf(delivery.Source, delivery.DeliveryId);
            await bus.Publish(message, message.GetType(), context => context.MessageId = messageId, CancellationToken.None);
            confirm.TrySetResult();
        }
        catch (Exception ex)
        {
            confirm.TrySetException(ex);
            _ = confirm.Task.Exception; // observed: the request may have stopped waiting long ago
            _inFlight.TryRemove(entry);
            return;
        }

        try
        {
            // Confirmed: the relay must not see the row again until it is gone from the outbox.
            await writer.MarkPublishedAsync(delivery);
        }
        catch (Exception ex)
        {
            LogMarkFailed(logger, ex, delivery.Source, delivery.DeliveryId);
        }
        finally
        {
            _inFlight.TryRemove(entry);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Delivery {Source}/{DeliveryId} is recorded but the broker did not confirm it; the relay will publish it")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string source, string deliveryId);

    [LoggerMessage(2, LogLevel.Warning, "Delivery {Source}/{DeliveryId} is recorded; the broker has not confirmed it within {Timeout}, answered queued")]
    private static partial void LogPublishSlow(ILogger logger, string source, string deliveryId, TimeSpan timeout);

    [LoggerMessage(3, LogLevel.Error, "Delivery {Source}/{DeliveryId} is on the bus but could not be marked published")]
    private static partial void LogMarkFailed(ILogger logger, Exception exception, string source, string deliveryId);
}
