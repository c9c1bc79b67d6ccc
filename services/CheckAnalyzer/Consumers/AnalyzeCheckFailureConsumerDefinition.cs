using Agentic.Persistence.Outbox;
using MassTransit;

namespace Agentic.CheckAnalyzer.Consumers;

/// <summary>
/// The analyzer's verdict leaves only after the analysis is recorded, through the PostgreSQL inbox/outbox: a crash
/// after the commit loses no verdict, and a request already answered (by MessageId) is not analysed again. How many analyses run at once is configuration
/// (<c>Messaging:ConcurrentMessageLimit</c>, or <c>Messaging:Endpoints:analyze-check-failure</c>): they mostly wait on
/// GitHub and the LLM, and the log is reduced as a stream.
/// </summary>
public sealed class AnalyzeCheckFailureConsumerDefinition : ConsumerDefinition<AnalyzeCheckFailureConsumer>
{
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AnalyzeCheckFailureConsumer> consumerConfigurator, IRegistrationContext context)
    {
        ArgumentNullException.ThrowIfNull(endpointConfigurator);
        endpointConfigurator.UsePostgresOutbox(context);
    }
}
