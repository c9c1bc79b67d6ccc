using Agentic.Persistence.Outbox;
using MassTransit;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>Consumed through the PostgreSQL inbox/outbox. A push is not repeated for a redelivered command, and its FixPushed/FixProposed leaves through the outbox.</summary>
public sealed class PublishFixResultConsumerDefinition : ConsumerDefinition<PublishFixResultConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<PublishFixResultConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UsePostgresOutbox(context);
}
