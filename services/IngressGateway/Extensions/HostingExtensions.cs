using Agentic.IngressGateway.Endpoints;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Options;
using Agentic.ServiceDefaults.Messaging;
using Agentic.ServiceDefaults.Options;

namespace Agentic.IngressGateway.Extensions;

public static class HostingExtensions
{
    public static IHostApplicationBuilder AddIngressGateway(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<GitHubWebhookOptions, GitHubWebhookOptionsValidator>(GitHubWebhookOptions.SectionName);
        services.AddValidatedOptions<SlackWebhookOptions, SlackWebhookOptionsValidator>(SlackWebhookOptions.SectionName);
        services.AddValidatedOptions<LinearWebhookOptions, LinearWebhookOptionsValidator>(LinearWebhookOptions.SectionName);
        services.AddValidatedOptions<InboxOptions, InboxOptionsValidator>(InboxOptions.SectionName);

        services.AddSingleton<DeliveryInbox>();
        services.AddSingleton<InboxWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWriter>());
        services.AddSingleton<WebhookNormalizers>();
        services.AddSingleton<DeliveryPublisher>();
        services.AddSingleton<WebhookAcceptance>();
        services.AddSingleton<InboxRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxRelay>());

        services.AddProblemDetails();
        services.AddWebhookRateLimits();
        services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .LoadWorkflowRoute(builder.Configuration);
        builder.AddAgenticMessaging();
        return builder;
    }

    public static WebApplication MapIngressGateway(this WebApplication app)
    {
        app.UseRateLimiter();
        app.MapGitHubWebhooks();
        app.MapSlackWebhooks();
        app.MapLinearWebhooks();
        app.MapDeliveryEndpoints();
        app.UseWorkflowProxyGate();
        // Everything else under one origin: the dashboard and API of the other services (routes in "ReverseProxy").
        app.MapReverseProxy();
        return app;
    }
}
