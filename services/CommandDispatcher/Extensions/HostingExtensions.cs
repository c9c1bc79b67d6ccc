using Agentic.CommandDispatcher.Consumers;
using Agentic.CommandDispatcher.Editing;
using Agentic.CommandDispatcher.Options;
using Agentic.CommandDispatcher.Registries;
using Agentic.GitHub;
using Agentic.Llm;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.CommandDispatcher.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddCommandDispatcher(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCommandDispatcherServices(builder.Configuration);
        builder.AddAgenticMessaging(bus => bus.AddConsumer<DispatchCommandConsumer>());
        return builder;
    }

    /// <summary>
    /// Everything but the bus: the LLM (shared <c>Llm</c> section overlaid by <c>CommandDispatcher:Llm</c>; none by
    /// default, and LLM edits are then rejected), the edit caps, the GitHub client and the file source, the package registries' metadata client (dependency fixes).
    /// </summary>
    public static IServiceCollection AddCommandDispatcherServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<LlmEditOptions, LlmEditOptionsValidator>(LlmEditOptions.SectionName);
        services.AddValidatedOptions<RegistryOptions, RegistryOptionsValidator>(RegistryOptions.SectionName);
        services.AddHttpClient<PackageRegistry>(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddLlm(configuration, "CommandDispatcher:Llm");
        services.AddGitHubClient(configuration);
        services.TryAddSingleton<IRepositoryFileSource, GitHubRepositoryFileSource>();
        services.TryAddSingleton<LlmEditProposer>();
        services.TryAddSingleton<DispatchesInFlight>();
        return services;
    }
}
