using MassTransit;
using MassTransit.Configuration;
using MassTransit.Middleware;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.Persistence.Outbox;

public static class PostgresOutboxExtensions
{
    /// <summary>
    /// The transactional inbox/outbox in PostgreSQL and its relay, on the tables this service owns
    /// (<c>{owner}_outbox_inbox_states</c>, <c>{owner}_outbox_messages</c>; <paramref name="owner"/> is
    /// <c>result_processor</c>, <c>check_analyzer</c> or <c>pr_discovery</c>). Endpoints opt in with <see cref="UsePostgresOutbox"/>.
    /// </summary>
    public static IServiceCollection AddPostgresOutbox(this IServiceCollection services, string owner)
    {
        services.TryAddSingleton(new PostgresOutboxStore(owner));
        // Bound when the host has configuration (a bare test container may not).
        services.AddOptions<PostgresOutboxOptions>()
            .Configure<IServiceProvider>((options, provider) => provider.GetService<IConfiguration>()?.GetSection(PostgresOutboxOptions.SectionName).Bind(options))
            .Validate(o => o.RelayInterval > TimeSpan.Zero && o.RelayMaxBackoff >= o.RelayInterval, "Outbox:RelayInterval must be positive and at most Outbox:RelayMaxBackoff")
            .Validate(o => o.RelayMinAge >= TimeSpan.Zero && o.InboxRetention > TimeSpan.Zero, "Outbox:RelayMinAge and Outbox:InboxRetention must not be negative")
            .Validate(o => o.MessageDeliveryLimit is >= 1 and <= 10_000 && o.MessageDeliveryTimeout > TimeSpan.Zero, "Outbox:MessageDeliveryLimit must be 1..10000")
            .Validate(o => o.CrashAfterCommittedOutboxes >= 0, "Outbox:CrashAfterCommittedOutboxes must not be negative")
            .ValidateOnStart();
        services.TryAddSingleton<IOutboxContextFactory<NpgsqlDataSource>, PostgresOutboxContextFactory>();
        services.TryAddSingleton<PostgresOutboxFaults>();
        services.AddHostedService<PostgresOutboxRelay>();
        return services;
    }

    /// <summary>
    /// Every consumer and saga of this endpoint consumes through the inbox/outbox: a message is consumed once (by
    /// MessageId), and what it sends or publishes is written in the consumer's transaction and delivered after it commits.
    /// Call from a consumer's or saga's definition; the host must have called <see cref="AddPostgresOutbox"/>.
    /// </summary>
    public static void UsePostgresOutbox(this IReceiveEndpointConfigurator configurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(configurator);
        ArgumentNullException.ThrowIfNull(context);
        var options = context.GetRequiredService<IOptions<PostgresOutboxOptions>>().Value;
        var observer = new OutboxConsumePipeSpecificationObserver<NpgsqlDataSource>(configurator, context)
        {
            MessageDeliveryLimit = options.MessageDeliveryLimit,
            MessageDeliveryTimeout = options.MessageDeliveryTimeout,
        };
        configurator.ConnectConsumerConfigurationObserver(observer);
        configurator.ConnectSagaConfigurationObserver(observer);
    }

    /// <summary>
    /// The connection and transaction the inbox and outbox rows of the message being consumed are written in, when its
    /// endpoint uses the outbox: a consumer's own writes there commit (or roll back) with them.
    /// </summary>
    public static bool TryGetOutboxTransaction(this ConsumeContext context, out NpgsqlConnection connection, out NpgsqlTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.TryGetPayload(out PostgresOutboxTransaction? ambient) && ambient is { Connection: { } c, Transaction: { } t })
        {
            connection = c;
            transaction = t;
            return true;
        }

        connection = null!;
        transaction = null!;
        return false;
    }
}
