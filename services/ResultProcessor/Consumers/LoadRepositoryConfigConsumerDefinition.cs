using Agentic.Persistence.Outbox;
using MassTransit;

namespace Agentic.ResultProcessor.Consumers;

/// <summary>Consumed through the PostgreSQL inbox/outbox. A redelivered request is answered from the outbox, not read again.</summary>
public sealed class LoadRepositoryConfigConsumerDefinition : ConsumerDefinition<LoadRepositoryConfigConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<LoadRepositoryConfigConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UsePostgresOutbox(context);
}
