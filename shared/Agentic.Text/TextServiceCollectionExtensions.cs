using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Text;

public static class TextServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretScrubber"/> as a singleton that knows every secret value in
    /// <paramref name="configuration"/> (read when it is first resolved, so values added by later configuration sources count).
    /// </summary>
    public static IServiceCollection AddSecretScrubber(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(_ => new SecretScrubber(SecretValues.FromConfiguration(configuration)));
        return services;
    }
}
