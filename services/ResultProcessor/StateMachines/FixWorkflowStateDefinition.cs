using MassTransit;

namespace Agentic.ResultProcessor.StateMachines;

/// <summary>
/// Messages for one workflow serialise on its row lock; how many workflows advance at once is configuration
/// (<c>Messaging:Endpoints:fix-workflow-state</c>, else <c>Messaging:ConcurrentMessageLimit</c>).
/// </summary>
public sealed class FixWorkflowStateDefinition : SagaDefinition<FixWorkflowState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<FixWorkflowState> sagaConfigurator, IRegistrationContext context)
    {
        // What the saga publishes leaves only after its row is committed: a fast reply (the analyzer answers in
        // milliseconds) must find the instance, and a rolled-back transition must not have told anyone anything.
        endpointConfigurator.UseInMemoryOutbox(context);
    }
}
