using Agentic.ServiceDefaults.Messaging;

namespace Agentic.ReviewOrchestrator.Extensions;

public static class HostingExtensions
{
    /// <summary>Connected to the bus and the database; the reviewers and their consumer arrive with the review issue.</summary>
    public static IHostApplicationBuilder AddReviewOrchestrator(this IHostApplicationBuilder builder)
    {
        builder.AddAgenticMessaging();
        return builder;
    }
}
