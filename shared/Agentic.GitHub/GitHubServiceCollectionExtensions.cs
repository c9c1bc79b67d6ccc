using FluentValidation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agentic.GitHub;

public static class GitHubServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="GitHubClient"/> (a singleton over a pooled <see cref="HttpClient"/> named
    /// <see cref="GitHubClient.HttpClientName"/>), its options from <c>GitHub:Api</c> (validated on start),
    /// <see cref="GitHubClientMetrics"/> and <see cref="GitHubAppTokenProvider"/>. A <see cref="TimeProvider"/>
    /// registered before is used for every wait. Returns the HttpClient builder for further handler configuration.
    /// </summary>
    public static IHttpClientBuilder AddGitHubClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GitHubClientOptions>()
            .Bind(configuration.GetSection(GitHubClientOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GitHubClientOptions>, GitHubClientOptionsValidation>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitHubClientMetrics>();
        services.TryAddSingleton<GitHubClient>();
        services.TryAddSingleton(sp => sp.GetRequiredService<GitHubClient>().AppTokens);

        return services.AddHttpClient(GitHubClient.HttpClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<GitHubClientOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(GitHubClient.CreateHandler)
            .RedactLoggedHeaders(_ => true);
    }

    private sealed class GitHubClientOptionsValidation : IValidateOptions<GitHubClientOptions>
    {
        private readonly GitHubClientOptionsValidator _validator = new();

        public ValidateOptionsResult Validate(string? name, GitHubClientOptions options)
        {
            var result = _validator.Validate(options);
            return result.IsValid
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(result.Errors.Select(e => $"{nameof(GitHubClientOptions)}.{e.PropertyName}: {e.ErrorMessage}"));
        }
    }
}
