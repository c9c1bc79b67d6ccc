namespace Agentic.Contracts.Reviews;

/// <summary>One finding of a reviewer, anchored to a line of the diff.</summary>
public sealed record ReviewFinding
{
    public required string Reviewer { get; init; }
    public required string Path { get; init; }
    public required int Line { get; init; }

    /// <summary>info, warning or error.</summary>
    public required string Severity { get; init; }
    public required string Message { get; init; }
}
