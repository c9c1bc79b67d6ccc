using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Workflows;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

/// <summary>
/// Keeps the pull request's state and tells in-flight fix workflows when it moves under them, through
/// <see cref="PullRequestTracking"/> (the path reconciliation uses too). Safe to receive twice.
/// </summary>
public sealed class PullRequestChangedConsumer(CheckRunStore store, PullRequestTracking tracking) : IConsumer<PullRequestChanged>
{
    public async Task Consume(ConsumeContext<PullRequestChanged> context)
    {
        var cancellationToken = context.CancellationToken;
        await using var connection = await store.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await tracking.ApplyAsync(connection, transaction, context.Message, context, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
