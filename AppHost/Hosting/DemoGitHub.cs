using System.Globalization;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// <c>--demo</c>: the local GitHub (<c>AppHost/Demo</c>, the stateful stand-in) with a real npm/prettier repository and,
/// per start, a pull request whose format check failed, delivered to the gateway. The services with GitHub access talk to
/// it as a GitHub App; every service runs rules only (no LLM).
/// </summary>
public static class DemoGitHub
{
    public const string ResourceName = "github-demo";

    /// <summary>Its port unless <c>--demo-port</c> says otherwise.</summary>
    public const int Port = 18090;

    /// <summary>The stand-in's GitHub App (its defaults, <c>AppHost/Demo/Options/GitHubDemoOptions.cs</c>).</summary>
    private const string AppId = "424242";

    public static IResourceBuilder<BuiltProjectResource> AddDemoGitHub(this IDistributedApplicationBuilder builder, StateDirectory state, int gatewayPort, int port = Port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(state);
        var folder = Path.Combine(state.Path, ResourceName);
        var url = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        var webhookSecret = new LocalSecrets(state.Secrets).GetOrCreate(LocalSecrets.GitHubWebhookSecret);

        AgenticResources.UseGitHubVariable("GitHub__Api__BaseUrl", url + "/");
        AgenticResources.UseGitHubVariable("GitHub__Api__App__AppId", AppId);
        AgenticResources.UseGitHubVariable("GitHub__Api__App__PrivateKeyPath", Path.Combine(folder, "app-private-key.pem"));
        AgenticResources.UseGitHubVariable("GitHub__Webhooks__Secrets__0", webhookSecret);

        return builder.AddBuiltProject<Projects.Agentic_Demo>(ResourceName)
            .WithHttpEndpoint(port: port, targetPort: port, isProxied: false)
            .WithEnvironment("ASPNETCORE_URLS", url)
            .WithHttpHealthCheck("/health")
            .WithEnvironment("GitHubDemo__StateDirectory", folder)
            .WithEnvironment("GitHubDemo__WebhookSecret", webhookSecret)
            .WithEnvironment("GitHubDemo__GatewayWebhookUrl", string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{gatewayPort}/webhooks/github"));
    }
}
