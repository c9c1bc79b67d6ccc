using MassTransit;

namespace Agentic.Executor.Consumers;

public sealed class ExecuteCommandConsumerDefinition : ConsumerDefinition<ExecuteCommandConsumer>
{
    public ExecuteCommandConsumerDefinition()
    {
        // Builds and tests are CPU-bound; two at a time on a small machine.
        ConcurrentMessageLimit = 2;
    }
}
