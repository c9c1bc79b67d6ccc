using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agentic.Llm;

public static class LlmServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LlmOptions"/> bound from <c>Llm</c> and then from <paramref name="overlaySection"/> (a
    /// service's own section, e.g. <c>CheckAnalyzer:Llm</c>, whose keys win), validated on start, and the
    /// <see cref="LlmChatClientProvider"/>. A provider registered before is kept (tests).
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
