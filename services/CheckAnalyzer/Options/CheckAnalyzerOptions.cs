using Agentic.CheckAnalyzer.Logs;
using FluentValidation;

namespace Agentic.CheckAnalyzer.Options;

/// <summary>
/// How the Check Analyzer reduces evidence. Which LLM it asks, if any, is <c>Agentic.Llm.LlmOptions</c>: the shared
/// <c>Llm</c> section overlaid by <c>CheckAnalyzer:Llm</c> (the keys this service always read).
/// </summary>
public sealed class CheckAnalyzerOptions
{
    public const string SectionName = "CheckAnalyzer";

    /// <summary>The most tokens (estimated) of evidence sent to an LLM and carried in the verdict.</summary>
    public int TokenBudget { get; set; } = 6000;

    public int ContextLinesBefore { get; set; } = 2;

    public int ContextLinesAfter { get; set; } = 2;

    public int MaxLineLength { get; set; } = 400;

    public LogReductionSettings ToReductionSettings() => new()
    {
        TokenBudget = TokenBudget,
        ContextLinesBefore = ContextLinesBefore,
        ContextLinesAfter = ContextLinesAfter,
        MaxLineLength = MaxLineLength,
    };
}

public sealed class CheckAnalyzerOptionsValidator : AbstractValidator<CheckAnalyzerOptions>
{
    public CheckAnalyzerOptionsValidator()
    {
        RuleFor(o => o.TokenBudget).InclusiveBetween(500, 200_000);
        RuleFor(o => o.ContextLinesBefore).InclusiveBetween(0, 20);
        RuleFor(o => o.ContextLinesAfter).InclusiveBetween(0, 20);
        RuleFor(o => o.MaxLineLength).InclusiveBetween(80, 10_000);
    }
}
