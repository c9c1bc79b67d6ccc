using System.Net.Http.Headers;
using System.Text;
using Agentic.IngressGateway.Endpoints;
using Agentic.ServiceDefaults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.IntegrationTests.Infrastructure;

/// <summary>The Ingress Gateway in process (its real Program, endpoints, inbox and bus) against the test PostgreSQL and RabbitMQ.</summary>
public sealed class GatewayHost(string databaseConnectionString, string messagingConnectionString, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<GitHubWebhookReceiver>
{
    public const string GitHubSecret = "gateway-test-github-secret";
    public const string RotatedGitHubSecret = "gateway-test-github-secret-next";
    public const string SlackSecret = "gateway-test-slack-signing-secret";
    public const string LinearSecret = "gateway-test-linear-webhook-secret";
    public const string OperatorKey = "gateway-test-operator-key-0123456789";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Database}", databaseConnectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Messaging}", messagingConnectionString);
        builder.UseSetting("GitHub:Webhooks:Secrets:0", GitHubSecret);
        builder.UseSetting("GitHub:Webhooks:Secrets:1", RotatedGitHubSecret);
        builder.UseSetting("Slack:SigningSecrets:0", SlackSecret);
        builder.UseSetting("Linear:WebhookSecrets:0", LinearSecret);
        builder.UseSetting("Inbox:OperatorApiKey", OperatorKey);
        builder.UseSetting("Inbox:RelayInterval", "00:00:00.500");
        builder.UseSetting("Inbox:RelayMinAge", "00:00:01");
        builder.UseSetting("Inbox:PublishTimeout", "00:00:01");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        // MassTransit keeps a bus's logger factory in a static; hosts in one test process must not dispose it.
        builder.ConfigureServices(services => services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance));
    }

    public async Task<HttpResponseMessage> PostGitHubAsync(string eventName, string deliveryId, byte[] body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/github") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        return await CreateClient().SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostSlackAsync(string path, byte[] body, string contentType, DateTimeOffset signedAt, string secret, int? retry = null)
    {
        var timestamp = signedAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", "v0=" + Hmac(secret, Encoding.ASCII.GetBytes($"v0:{timestamp}:").Concat(body).ToArray()));
        if (retry is not null)
        {
            request.Headers.Add("X-Slack-Retry-Num", retry.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return await CreateClient().SendAsync(request);
    }

    public async Task<HttpResponseMessage> PostLinearAsync(string deliveryId, byte[] body, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/linear") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("Linear-Delivery", deliveryId);
        request.Headers.Add("Linear-Signature", Hmac(secret, body));
        return await CreateClient().SendAsync(request);
    }

    public static string Hmac(string secret, byte[] data) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
}
