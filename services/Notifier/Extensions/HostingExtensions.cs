using Agentic.GitHub;
using Agentic.Notifier.Consumers;
using Agentic.Notifier.Delivery;
using Agentic.ServiceDefaults.Messaging;
using Agentic.Text;

namespace Agentic.Notifier.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddNotifier(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGitHubClient(builder.Configuration);
        builder.Services.AddSecretScrubber(builder.Configuration);
        builder.Services.AddSingleton<GitHubReportDelivery>();
        builder.AddAgenticMessaging(bus => bus.AddConsumer<PostWorkflowReportConsumer>());
        return builder;
    }
}
