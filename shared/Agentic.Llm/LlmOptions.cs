using FluentValidation;

namespace Agentic.Llm;

/// <summary>
/// The LLM provider, under <c>Llm</c> for every service; a service may overlay its own section (e.g.
/// <c>CheckAnalyzer:Llm</c>), whose keys win. <see cref="Provider"/> none (the default) means no model.
/// </summary>
public sealed class LlmOptions
{
    public const string SectionName = "Llm";

    /// <summary>The named <see cref="System.Net.Http.HttpClient"/> every provider's SDK sends through (with the standard resilience handler).</summary>
    public const string HttpClientName = "llm";

    public const string None = "none";
    public const string OpenAi = "openai";
    public const string Anthropic = "anthropic";

    /// <summary>none, openai (any OpenAI-compatible endpoint: OpenAI, Azure, Ollama, vLLM, llama.cpp) or anthropic.</summary>
    public string Provider { get; set; } = None;

    /// <summary>The API root, e.g. http://127.0.0.1:11434/v1 for Ollama; the provider's default when empty.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>From configuration or the environment (<c>Llm__ApiKey</c>); never logged.</summary>
    public string? ApiKey { get; set; }

    public string Model { get; set; } = "gpt-4o-mini";

    public int MaxOutputTokens { get; set; } = 800;

    /// <summary>US dollars per 1,000 input tokens.</summary>
    public decimal InputCostPer1KTokens { get; set; }

    /// <summary>US dollars per 1,000 output tokens.</summary>
    public decimal OutputCostPer1KTokens { get; set; }

    /// <summary>One attempt's limit; a call that times out is retried like a 5xx.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Retries of a call that failed with 408, 429, 5xx, a timeout or a connection error (the standard resilience handler's; the SDKs' own are off).</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first retry's delay; it doubles, with jitter, and a <c>Retry-After</c> from the provider wins.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsEnabled => !string.Equals(Provider, None, StringComparison.OrdinalIgnoreCase);

    /// <summary>What a call costs at the configured prices, in US dollars (6 decimals).</summary>
    public decimal Cost(int inputTokens, int outputTokens) =>
        Math.Round((inputTokens / 1000m * InputCostPer1KTokens) + (outputTokens / 1000m * OutputCostPer1KTokens), 6);
}

public sealed class LlmOptionsValidator : AbstractValidator<LlmOptions>
{
    public LlmOptionsValidator()
    {
        RuleFor(o => o.Provider)
            .Must(p => p is not null && (p.Equals(LlmOptions.None, StringComparison.OrdinalIgnoreCase) || p.Equals(LlmOptions.OpenAi, StringComparison.OrdinalIgnoreCase) || p.Equals(LlmOptions.Anthropic, StringComparison.OrdinalIgnoreCase)))
            .WithMessage("must be none, openai or anthropic");
        RuleFor(o => o.ApiKey).NotEmpty().When(o => string.Equals(o.Provider, LlmOptions.Anthropic, StringComparison.OrdinalIgnoreCase))
            .WithMessage("is required for the anthropic provider (set Llm__ApiKey)");
        RuleFor(o => o.Endpoint).Must(u => u is null || (u.IsAbsoluteUri && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps)))
            .WithMessage("must be an absolute http(s) URL");
        RuleFor(o => o.Model).NotEmpty().When(o => o.IsEnabled);
        RuleFor(o => o.MaxOutputTokens).InclusiveBetween(50, 32_000);
        RuleFor(o => o.InputCostPer1KTokens).GreaterThanOrEqualTo(0);
        RuleFor(o => o.OutputCostPer1KTokens).GreaterThanOrEqualTo(0);
        RuleFor(o => o.Timeout).GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).LessThanOrEqualTo(TimeSpan.FromHours(1));
        RuleFor(o => o.MaxRetries).InclusiveBetween(0, 10);
        RuleFor(o => o.RetryDelay).GreaterThan(TimeSpan.Zero).LessThanOrEqualTo(TimeSpan.FromMinutes(5));
    }
}
