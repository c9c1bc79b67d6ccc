using Agentic.Persistence.Outbox;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

/// <summary>
/// Consumed through the PostgreSQL inbox/outbox: the check-run state, the claimed workflows and the
/// <c>CheckFailureDetected</c> they publish commit in one transaction, and leave for the broker after it.
/// </summary>
public sealed class CheckRunCompletedConsumerDefinition : ConsumerDefinition<CheckRunCompletedConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<CheckRunCompletedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UsePostgresOutbox(context);
}
