using Agentic.Contracts.Analysis;

namespace Agentic.Contracts.Dispatch;

/// <summary>The dispatcher chose a library command and validated its arguments.</summary>
public sealed record CommandDispatched
{
    /// <summary>The fix workflow's correlation id (one per pull request, head SHA and failing check).</summary>
    public required Guid CorrelationId { get; init; }

    public required Guid ExecutionId { get; init; }

    /// <summary>The library command's name, e.g. "dotnet-format" or "llm-edit".</summary>
    public required string Command { get; init; }

    /// <summary>Validated arguments, by name; never passed through a shell.</summary>
    public required IReadOnlyDictionary<string, string> Arguments { get; init; }
    public required int Attempt { get; init; }

    /// <summary>What proposing the command cost (an LLM-proposed edit); null when no model was asked.</summary>
    public LlmUsage? Usage { get; init; }
}
