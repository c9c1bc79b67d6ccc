namespace Agentic.Contracts.Analysis;

/// <summary>Tokens and cost an LLM call or a series of them consumed.</summary>
public sealed record LlmUsage
{
    public required int Calls { get; init; }
    public required int InputTokens { get; init; }
    public required int OutputTokens { get; init; }
    public required decimal CostUsd { get; init; }
    public string? Model { get; init; }
}
