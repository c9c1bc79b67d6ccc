using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.Persistence.Outbox;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Workflows;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Consumers;

/// <summary>
/// Keeps check-run and PR head state, and turns a failed check on an open PR's head into one
/// <see cref="CheckFailureDetected"/> per (repository, head SHA, check), through <see cref="CheckFailureDetection"/>
/// (the path reconciliation uses too). Safe to receive twice.
/// </summary>
public sealed partial class CheckRunCompletedConsumer(CheckRunStore store, CheckFailureDetection detection, ILogger<CheckRunCompletedConsumer> logger)
    : IConsumer<CheckRunCompleted>
{
    public async Task Consume(ConsumeContext<CheckRunCompleted> context)
    {
        var checkRun = context.Message;
        var cancellationToken = context.CancellationToken;

        int detected;
        if (context.TryGetOutboxTransaction(out var outboxConnection, out var outboxTransaction))
        {
            // The inbox/outbox's transaction: committed, with this message's inbox row and its publishes, by the outbox.
            detected = await detection.RecordAsync(outboxConnection, outboxTransaction, checkRun, context, cancellationToken);
        }
        else
        {
            await using var connection = await store.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            detected = await detection.RecordAsync(connection, transaction, checkRun, context, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        LogRecorded(logger, checkRun.CheckRunId, checkRun.Conclusion, detected);
    }

    [LoggerMessage(3, LogLevel.Information, "Check run {CheckRunId} recorded ({Conclusion}); {Detected} new failure workflow(s)")]
    private static partial void LogRecorded(ILogger logger, long checkRunId, string conclusion, int detected);
}
