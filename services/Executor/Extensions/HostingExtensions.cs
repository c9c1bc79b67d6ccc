using Agentic.Executor.Consumers;
using Agentic.ServiceDefaults.Messaging;

namespace Agentic.Executor.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddExecutor(this IHostApplicationBuilder builder)
    {
        builder.AddAgenticMessaging(bus => bus.AddConsumer<ExecuteCommandConsumer>());
        return builder;
    }
}
