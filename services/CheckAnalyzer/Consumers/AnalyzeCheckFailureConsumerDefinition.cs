using MassTransit;

namespace Agentic.CheckAnalyzer.Consumers;

/// <summary>Analyses stream large logs and may call an LLM: a few at a time per instance.</summary>
public sealed class AnalyzeCheckFailureConsumerDefinition : ConsumerDefinition<AnalyzeCheckFailureConsumer>
{
    public AnalyzeCheckFailureConsumerDefinition()
    {
        ConcurrentMessageLimit = 4;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AnalyzeCheckFailureConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
