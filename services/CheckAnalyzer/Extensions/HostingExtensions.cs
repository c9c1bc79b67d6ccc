using Agentic.CheckAnalyzer.Consumers;
using Agentic.ServiceDefaults.Messaging;

namespace Agentic.CheckAnalyzer.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddCheckAnalyzer(this IHostApplicationBuilder builder)
    {
        builder.AddAgenticMessaging(bus => bus.AddConsumer<AnalyzeCheckFailureConsumer>());
        return builder;
    }
}
