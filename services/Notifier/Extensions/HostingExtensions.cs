using Agentic.Notifier.Consumers;
using Agentic.ServiceDefaults.Messaging;

namespace Agentic.Notifier.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddNotifier(this IHostApplicationBuilder builder)
    {
        builder.AddAgenticMessaging(bus => bus.AddConsumer<PostWorkflowReportConsumer>());
        return builder;
    }
}
