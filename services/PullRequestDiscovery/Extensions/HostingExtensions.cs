using Agentic.GitHub;
using Agentic.Persistence.Outbox;
using Agentic.PullRequestDiscovery.Consumers;
using Agentic.PullRequestDiscovery.Options;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Reconciliation;
using Agentic.PullRequestDiscovery.Workflows;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;
using MassTransit;

namespace Agentic.PullRequestDiscovery.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddPullRequestDiscovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddPullRequestDiscoveryState(builder.Configuration);
        builder.Services.AddHostedService<ReconciliationService>();
        builder.Services.AddPostgresOutbox("pr_discovery");
        builder.AddAgenticMessaging(bus =>
        {
            bus.AddConsumer<CheckRunCompletedConsumer, CheckRunCompletedConsumerDefinition>();
            bus.AddConsumer<PullRequestChangedConsumer>();
        });
        return builder;
    }

    /// <summary>
    /// PR and check-run state, the detection and tracking paths, the GitHub client and the <see cref="Reconciler"/>;
    /// needs an <c>NpgsqlDataSource</c> and a MassTransit bus registered beside it.
    /// </summary>
    public static IServiceCollection AddPullRequestDiscoveryState(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<CheckRunStore>();
        services.AddSingleton<ReconciliationStore>();
        services.AddSingleton<CheckFailureDetection>();
        services.AddSingleton<PullRequestTracking>();
        services.AddGitHubClient(configuration);
        services.AddValidatedOptions<ReconciliationOptions, ReconciliationOptionsValidator>(ReconciliationOptions.SectionName);
        services.AddSingleton<Reconciler>();
        return services;
    }
}
