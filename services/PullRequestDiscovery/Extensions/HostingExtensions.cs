using Agentic.PullRequestDiscovery.Consumers;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.ServiceDefaults.Messaging;

namespace Agentic.PullRequestDiscovery.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddPullRequestDiscovery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CheckRunStore>();
        builder.AddAgenticMessaging(bus =>
        {
            bus.AddConsumer<CheckRunCompletedConsumer>(typeof(CheckRunCompletedConsumerDefinition));
            bus.AddConsumer<PullRequestChangedConsumer>();
        });
        return builder;
    }
}
