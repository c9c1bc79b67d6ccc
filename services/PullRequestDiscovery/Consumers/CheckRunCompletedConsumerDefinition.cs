using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

public sealed class CheckRunCompletedConsumerDefinition : ConsumerDefinition<CheckRunCompletedConsumer>
{
    public CheckRunCompletedConsumerDefinition()
    {
        // Upserts of the same repository from concurrent deliveries serialise on row locks; keep the fan-in modest.
        ConcurrentMessageLimit = 16;
    }
}
