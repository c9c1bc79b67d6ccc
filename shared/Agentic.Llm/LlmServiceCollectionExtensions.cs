using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

namespace Agentic.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlmOptions"/> bound from <c>Llm</c> and then from <paramref name="overlaySection"/> (a
    /// service's own section, e.g. <c>CheckAnalyzer:Llm</c>, whose keys win), validated on start, the
    /// <see cref="LlmChatClientProvider"/> and the <see cref="LlmOptions.HttpClientName"/> HttpClient it sends through.
    /// A provider registered before is kept (tests).
    /// </summary>
    public static IServiceCollection AddLlm(this IServiceCollection services, IConfiguration configuration, string? overlaySection = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<LlmOptions>()
            .Configure(options =>
            {
                configuration.GetSection(LlmOptions.SectionName).Bind(options);
                if (overlaySection is not null)
                {
                    configuration.GetSection(overlaySection).Bind(options);
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LlmOptions>, LlmOptionsValidation>());
        services.TryAddSingleton<LlmChatClientProvider>();

        // Retries, per-attempt timeouts and a circuit breaker from Microsoft.Extensions.Http.Resilience, as Aspire's
        // service defaults give every client; the SDKs' own retries are turned off (LlmChatClientProvider).
        var resilient = services.AddHttpClient(LlmOptions.HttpClientName)
            .ConfigureHttpClient(client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(_ => true)
            .AddStandardResilienceHandler();
        services.AddOptions<HttpStandardResilienceOptions>(resilient.PipelineName)
            .Configure<IOptions<LlmOptions>>((resilience, options) =>
            {
                var llm = options.Value;
                resilience.AttemptTimeout.Timeout = llm.Timeout;
                resilience.Retry.MaxRetryAttempts = llm.MaxRetries;
                resilience.Retry.Delay = llm.RetryDelay;
                resilience.Retry.MaxDelay = llm.RetryDelay * 16;
                // Every attempt and every wait fit (the handler requires it), and the breaker samples at least two attempts.
                resilience.TotalRequestTimeout.Timeout = (llm.Timeout * (llm.MaxRetries + 1)) + (resilience.Retry.MaxDelay.Value * llm.MaxRetries) + TimeSpan.FromSeconds(1);
                resilience.CircuitBreaker.SamplingDuration = llm.Timeout * 2 > TimeSpan.FromSeconds(30) ? llm.Timeout * 2 : TimeSpan.FromSeconds(30);
            });
        return services;
    }

    private sealed class LlmOptionsValidation : IValidateOptions<LlmOptions>
    {
        private readonly LlmOptionsValidator _validator = new();

        public ValidateOptionsResult Validate(string? name, LlmOptions options)
        {
            var result = _validator.Validate(options);
            return result.IsValid
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(result.Errors.Select(e => $"{nameof(LlmOptions)}.{e.PropertyName}: {e.ErrorMessage}"));
        }
    }
}
