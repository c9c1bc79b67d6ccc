using Agentic.CommandDispatcher.Consumers;
using Agentic.ServiceDefaults.Messaging;

namespace Agentic.CommandDispatcher.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddCommandDispatcher(this IHostApplicationBuilder builder)
    {
        builder.AddAgenticMessaging(bus => bus.AddConsumer<DispatchCommandConsumer>());
        return builder;
    }
}
