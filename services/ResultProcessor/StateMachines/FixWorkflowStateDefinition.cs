using MassTransit;

namespace Agentic.ResultProcessor.StateMachines;

public sealed class FixWorkflowStateDefinition : SagaDefinition<FixWorkflowState>
{
    public FixWorkflowStateDefinition()
    {
        // Messages for one workflow serialise on its row lock; this bounds how many workflows advance at once.
        ConcurrentMessageLimit = 32;
    }

    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<FixWorkflowState> sagaConfigurator, IRegistrationContext context)
    {
        // What the saga publishes leaves only after its row is committed: a fast reply (the analyzer answers in
        // milliseconds) must find the instance, and a rolled-back transition must not have told anyone anything.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
