using Agentic.CheckAnalyzer.Logs;
using FluentValidation;

namespace Agentic.CheckAnalyzer.Options;

/// <summary>How the Check Analyzer reduces evidence and which LLM, if any, it asks.</summary>
public sealed class CheckAnalyzerOptions
{
    public const string SectionName = "CheckAnalyzer";

    /// <summary>The most tokens (estimated) of evidence sent to an LLM and carried in the verdict.</summary>
    public int TokenBudget { get; set; } = 6000;

    public int ContextLinesBefore { get; set; } = 2;

    public int ContextLinesAfter { get; set; } = 2;

    public int MaxLineLength { get; set; } = 400;

    public LlmOptions Llm { get; set; } = new();

    public LogReductionSettings ToReductionSettings() => new()
    {
        TokenBudget = TokenBudget,
        ContextLinesBefore = ContextLinesBefore,
        ContextLinesAfter = ContextLinesAfter,
        MaxLineLength = MaxLineLength,
    };
}

/// <summary>The LLM provider. <see cref="Provider"/> none (the default) means rules only.</summary>
public sealed class LlmOptions
{
    public const string None = "none";
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";

    /// <summary>none, openai (any OpenAI-compatible endpoint: OpenAI, Azure, Ollama, vLLM, llama.cpp) or anthropic.</summary>
    public string Provider { get; set; } = None;

    /// <summary>The API root, e.g. http://127.0.0.1:11434/v1 for Ollama; the provider's default when empty.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>From configuration or the environment (<c>CheckAnalyzer__Llm__ApiKey</c>); never logged.</summary>
    public string? ApiKey { get; set; }

    public string Model { get; set; } = "gpt-4o-mini";

    public int MaxOutputTokens { get; set; } = 800;

    /// <summary>US dollars per 1,000 input tokens.</summary>
    public decimal InputCostPer1KTokens { get; set; }

    /// <summary>US dollars per 1,000 output tokens.</summary>
    public decimal OutputCostPer1KTokens { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    public bool IsEnabled => !string.Equals(Provider, None, StringComparison.OrdinalIgnoreCase);
}

public sealed class CheckAnalyzerOptionsValidator : AbstractValidator<CheckAnalyzerOptions>
{
    public CheckAnalyzerOptionsValidator()
    {
        RuleFor(o => o.TokenBudget).InclusiveBetween(500, 200_000);
        RuleFor(o => o.ContextLinesBefore).InclusiveBetween(0, 20);
        RuleFor(o => o.ContextLinesAfter).InclusiveBetween(0, 20);
        RuleFor(o => o.MaxLineLength).InclusiveBetween(80, 10_000);
        RuleFor(o => o.Llm.Provider)
            .Must(p => p is not null && (p.Equals(LlmOptions.None, StringComparison.OrdinalIgnoreCase) || p.Equals(LlmOptions.OpenAi, StringComparison.OrdinalIgnoreCase) || p.Equals(LlmOptions.Anthropic, StringComparison.OrdinalIgnoreCase)))
            .WithMessage("must be none, openai or anthropic");
        RuleFor(o => o.Llm.ApiKey).NotEmpty().When(o => string.Equals(o.Llm.Provider, LlmOptions.Anthropic, StringComparison.OrdinalIgnoreCase))
            .WithMessage("is required for the anthropic provider (set CheckAnalyzer__Llm__ApiKey)");
        RuleFor(o => o.Llm.Endpoint).Must(u => u is null || (u.IsAbsoluteUri && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
            .WithMessage("must be an absolute http(s) URL");
        RuleFor(o => o.Llm.Model).NotEmpty().When(o => o.Llm.IsEnabled);
        RuleFor(o => o.Llm.MaxOutputTokens).InclusiveBetween(50, 32_000);
        RuleFor(o => o.Llm.InputCostPer1KTokens).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Llm.OutputCostPer1KTokens).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Llm.Timeout).GreaterThan(TimeSpan.Zero);
    }
}
