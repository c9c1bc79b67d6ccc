using MassTransit;

namespace Agentic.ResultProcessor.StateMachines;

public sealed class FixWorkflowStateDefinition : SagaDefinition<FixWorkflowState>
{
    public FixWorkflowStateDefinition()
    {
        // Messages for one workflow serialise on its row lock; this bounds how many workflows advance at once.
        ConcurrentMessageLimit = 32;
    }
}
