using MassTransit;

namespace Agentic.IntegrationTests.Persistence;

/// <summary>A minimal saga for exercising the repository: every increment must be counted exactly once.</summary>
public sealed class CounterState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public int Version { get; set; }

    public int Count { get; set; }
}

public sealed record CounterIncremented
{
    public required Guid CorrelationId { get; init; }
}

public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Incremented, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.InsertOnInitial = true;
            x.SetSagaFactory(m => new CounterState { CorrelationId = m.Message.CorrelationId });
        });

        Initially(When(Incremented).Then(c => c.Saga.Count++).TransitionTo(Counting));
        During(Counting, When(Incremented).Then(c => c.Saga.Count++));
    }

    public State Counting { get; private set; } = null!;

    public Event<CounterIncremented> Incremented { get; private set; } = null!;
}
