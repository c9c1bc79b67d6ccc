using Agentic.Persistence.Outbox;
using MassTransit;

namespace Agentic.IntegrationTests.Persistence;

/// <summary>A minimal saga on the inbox/outbox: every <see cref="TicketOpened"/> is counted and answered with one <see cref="TicketAcknowledged"/>.</summary>
public sealed class TicketState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public string CurrentState { get; set; } = string.Empty;

    public int Version { get; set; }

    public int Count { get; set; }
}

public sealed record TicketOpened
{
    public required Guid CorrelationId { get; init; }
}

public sealed record TicketAcknowledged
{
    public required Guid CorrelationId { get; init; }

    public required int Count { get; init; }
}

public sealed class TicketStateMachine : MassTransitStateMachine<TicketState>
{
    public TicketStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Opened, x =>
        {
            x.CorrelateById(m => m.Message.CorrelationId);
            x.InsertOnInitial = true;
            x.SetSagaFactory(m => new TicketState { CorrelationId = m.Message.CorrelationId });
        });

        Initially(When(Opened).Then(c => c.Saga.Count++).Publish(c => Acknowledge(c.Saga)).TransitionTo(Open));
        During(Open, When(Opened).Then(c => c.Saga.Count++).Publish(c => Acknowledge(c.Saga)));
    }

    public State Open { get; private set; } = null!;

    public Event<TicketOpened> Opened { get; private set; } = null!;

    private static TicketAcknowledged Acknowledge(TicketState saga) => new() { CorrelationId = saga.CorrelationId, Count = saga.Count };
}

public sealed class TicketStateDefinition : SagaDefinition<TicketState>
{
    protected override void ConfigureSaga(IReceiveEndpointConfigurator endpointConfigurator, ISagaConfigurator<TicketState> sagaConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UsePostgresOutbox(context);
}

/// <summary>Asks <see cref="TicketBatchConsumer"/> for <see cref="Count"/> acknowledgements (none when zero).</summary>
public sealed record TicketBatchRequested
{
    public required Guid CorrelationId { get; init; }

    public required int Count { get; init; }
}

/// <summary>A consumer on the inbox/outbox that publishes <c>Count</c> acknowledgements, numbered 1..Count in order.</summary>
public sealed class TicketBatchConsumer : IConsumer<TicketBatchRequested>
{
    public async Task Consume(ConsumeContext<TicketBatchRequested> context)
    {
        for (var i = 1; i <= context.Message.Count; i++)
        {
            await context.Publish(new TicketAcknowledged { CorrelationId = context.Message.CorrelationId, Count = i });
        }
    }
}

public sealed class TicketBatchConsumerDefinition : ConsumerDefinition<TicketBatchConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<TicketBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UsePostgresOutbox(context);
}
