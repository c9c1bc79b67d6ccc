using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Persistence;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>Publishes deliveries that were accepted while the broker was unreachable, oldest first.</summary>
public sealed partial class InboxRelay(
    IServiceScopeFactory scopes, DeliveryInbox inbox, IOptions<GitHubWebhookOptions> options, ILogger<InboxRelay> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RelayInterval);
        do
        {
            try
            {
                await RelayOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogRelayFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> RelayOnceAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        var pending = await inbox.ListUnpublishedAsync(100, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var publisher = scope.ServiceProvider.GetRequiredService<DeliveryPublisher>();
        foreach (var delivery in pending)
        {
            if (!await publisher.TryPublishAsync(delivery, cancellationToken))
            {
                break; // the broker is still away; try again on the next tick
            }

            published++;
        }

        if (published > 0)
        {
            LogRelayed(logger, published);
        }

        return published;
    }

    [LoggerMessage(1, LogLevel.Information, "Relayed {Count} accepted delivery(ies) to the bus")]
    private static partial void LogRelayed(ILogger logger, int count);

    [LoggerMessage(2, LogLevel.Error, "Inbox relay pass failed")]
    private static partial void LogRelayFailed(ILogger logger, Exception exception);
}
