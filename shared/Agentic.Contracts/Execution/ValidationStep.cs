namespace Agentic.Contracts.Execution;

/// <summary>One validation command (build, test, lint) and what it showed.</summary>
public sealed record ValidationStep
{
    /// <summary>build, test or lint.</summary>
    public required string Kind { get; init; }
    public required string CommandLine { get; init; }
    public required int ExitCode { get; init; }
    public required TimeSpan Duration { get; init; }

    /// <summary>The tail of the output, bounded and scrubbed of secrets.</summary>
    public required string OutputTail { get; init; }
}
