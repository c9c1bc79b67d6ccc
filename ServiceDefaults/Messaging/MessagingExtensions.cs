using Agentic.ServiceDefaults.Options;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Agentic.ServiceDefaults.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// MassTransit 8 on RabbitMQ from <c>ConnectionStrings:messaging</c>: kebab-case endpoints, exponential retry on every
    /// endpoint then the endpoint's <c>_error</c> queue, prefetch and concurrency from <see cref="MessagingOptions"/>.
    /// <paramref name="configure"/> registers the service's consumers and sagas.
    /// </summary>
    public static IHostApplicationBuilder AddAgenticMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(ResourceNames.Messaging)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{ResourceNames.Messaging} is not set. Start the system with 'dotnet run --project AppHost', " +
                $"or set ConnectionStrings__{ResourceNames.Messaging}=amqp://user:password@host:port/.");
        var connection = RabbitMqConnection.Parse(connectionString);

        builder.Services.AddValidatedOptions<MessagingOptions, MessagingOptionsValidator>(MessagingOptions.SectionName);
        builder.Services.Configure<MassTransitHostOptions>(options =>
        {
            // Start without blocking the host: /health reports the bus until it is connected.
            options.WaitUntilStarted = false;
            options.StopTimeout = TimeSpan.FromSeconds(15);
        });

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.ConfigureUsageTelemetryOptions(telemetry =>
                telemetry.Enabled = builder.Configuration.GetValue<bool>($"{MessagingOptions.SectionName}:{nameof(MessagingOptions.UsageTelemetry)}"));
            configure?.Invoke(bus);

            bus.AddConfigureEndpointsCallback((context, name, endpoint) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval));

                if (options.Endpoints.TryGetValue(name, out var overrides))
                {
                    if (overrides.ConcurrentMessageLimit is { } limit)
                    {
                        endpoint.ConcurrentMessageLimit = limit;
                    }

                    if (overrides.PrefetchCount is { } prefetch && endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
                    {
                        rabbit.PrefetchCount = prefetch;
                    }
                }
            });

            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<MessagingOptions>>().Value;
                rabbit.Host(connection.Host, connection.Port, connection.VirtualHost, host =>
                {
                    host.Username(connection.Username);
                    host.Password(connection.Password);
                    host.PublisherConfirmation = true;
                });
                rabbit.PrefetchCount = options.PrefetchCount;
                rabbit.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                rabbit.ConfigureEndpoints(context);
            });
        });

        return builder;
    }
}
