using Agentic.Contracts.Analysis;
using System.Text;
using Agentic.CommandDispatcher.Editing;
using Agentic.CommandDispatcher.Library;
using Agentic.Contracts.Common;
using Agentic.Contracts.Dispatch;
using MassTransit;

namespace Agentic.CommandDispatcher.Consumers;

/// <summary>
/// Picks a library command for a diagnosed failure. Deterministic fixes need no LLM. An LLM edit asks the configured
/// model for a unified diff (see <see cref="LlmEditProposer"/>) and dispatches <c>apply-diff</c> with it; with no model
/// configured, or an empty or refused proposal, the request is rejected with the reason. The execution id is derived
/// from the workflow and attempt, so a redelivered request dispatches the same execution; one that arrives while the
/// same attempt is still being dispatched here is dropped (<see cref="DispatchesInFlight"/>).
/// </summary>
public sealed class DispatchCommandConsumer(LlmEditProposer proposer, DispatchesInFlight inFlight, ILogger<DispatchCommandConsumer> logger) : IConsumer<DispatchCommand>
{
    public async Task Consume(ConsumeContext<DispatchCommand> context)
    {
        var request = context.Message;
        if (!inFlight.TryStart(request.CorrelationId, request.Attempt))
        {
            CommandDispatcherLog.AlreadyDispatching(logger, request.CorrelationId, request.Attempt);
            return;
        }

        try
        {
            await DispatchAsync(context, request);
        }
        finally
        {
            inFlight.Finish(request.CorrelationId, request.Attempt);
        }
    }

    private async Task DispatchAsync(ConsumeContext<DispatchCommand> context, DispatchCommand request)
    {
        var (command, arguments, reason, usage) = request.Strategy switch
        {
            FixStrategy.Deterministic when CommandLibrary.DeterministicFor(request.Category) is { } deterministic => (deterministic, Arguments(deterministic, request), null, null),
            FixStrategy.LlmEdit when proposer.IsEnabled => await ProposeAsync(request, context.CancellationToken),
            // After a formatter that changed nothing, the reason says so (the same command is never dispatched again).
            FixStrategy.LlmEdit => (null, null, request.PreviousFailure is { Length: > 0 } previous ? $"{previous}; no model is configured to propose code edits" : "no model is configured to propose code edits", null),
            _ => ((string?)null, (Dictionary<string, string>?)null, $"no library command fits a {request.Category} failure with strategy {request.Strategy}", (LlmUsage?)null),
        };

        if (command is null || arguments is null)
        {
            reason ??= "no command";
            CommandDispatcherLog.Rejected(logger, request.CorrelationId, reason);
            await context.Publish(new CommandRejected { CorrelationId = request.CorrelationId, Reason = reason, Usage = usage }, context.CancellationToken);
            return;
        }

        CommandDispatcherLog.Dispatched(logger, request.CorrelationId, command, request.Attempt);
        await context.Publish(new CommandDispatched
        {
            CorrelationId = request.CorrelationId,
            ExecutionId = ExecutionId(request.CorrelationId, request.Attempt),
            Command = command,
            Arguments = arguments,
            Attempt = request.Attempt,
            Usage = usage,
        }, context.CancellationToken);
    }

    private static Dictionary<string, string> Arguments(string command, DispatchCommand request) =>
        command == CommandLibrary.Format ? CommandLibrary.FormatArguments(request.Tool, request.Codes, request.Files) : new Dictionary<string, string>(StringComparer.Ordinal);

    public static Guid ExecutionId(Guid workflowId, int attempt)
    {
        var bytes = workflowId.ToByteArray();
        bytes[15] ^= (byte)attempt;
        bytes[14] ^= (byte)(attempt >> 8);
        bytes[13] ^= 0x5A; // never equal to the workflow id itself
        return new Guid(bytes);
    }

    private async Task<(string? Command, Dictionary<string, string>? Arguments, string? Reason, LlmUsage? Usage)> ProposeAsync(DispatchCommand request, CancellationToken cancellationToken)
    {
        var proposal = await proposer.ProposeAsync(request, cancellationToken);
        if (proposal.Diff is not { } diff)
        {
            return (null, null, proposal.Rejection ?? "the model proposed no diff", proposal.Usage);
        }

        CommandDispatcherLog.DiffAccepted(logger, request.CorrelationId, request.Attempt, Encoding.UTF8.GetByteCount(diff));
        return (CommandLibrary.ApplyDiff, new Dictionary<string, string>(StringComparer.Ordinal) { [CommandLibrary.DiffArgument] = diff }, null, proposal.Usage);
    }
}
