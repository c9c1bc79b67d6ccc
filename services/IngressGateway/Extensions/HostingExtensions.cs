using Agentic.IngressGateway.Endpoints;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Persistence;
using Agentic.IngressGateway.Webhooks;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;

namespace Agentic.IngressGateway.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddIngressGateway(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<GitHubWebhookOptions, GitHubWebhookOptionsValidator>(GitHubWebhookOptions.SectionName);
        builder.Services.AddSingleton<DeliveryInbox>();
        builder.Services.AddScoped<DeliveryPublisher>();
        builder.Services.AddHostedService<InboxRelay>();
        builder.Services.AddProblemDetails();
        builder.AddAgenticMessaging();
        return builder;
    }

    public static WebApplication MapIngressGateway(this WebApplication app)
    {
        app.MapGitHubWebhooks();
        return app;
    }
}
