using Agentic.Persistence.Outbox;
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
        // What the saga publishes is written with its row, in one transaction, and leaves after the commit: a fast
        // reply (the analyzer answers in milliseconds) finds the instance, a rolled-back transition told no one
        // anything, and a crash between the commit and the broker loses nothing (the redelivery or the relay sends it).
        // A message already consumed (by MessageId) is acknowledged without running the transition again.
        endpointConfigurator.UsePostgresOutbox(context);
    }
}
