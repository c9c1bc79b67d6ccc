using System.Text;
using System.Text.Json;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Webhooks;
using Agentic.IngressGateway.Webhooks.GitHub;
using Agentic.IngressGateway.Webhooks.Linear;
using Agentic.IngressGateway.Webhooks.Slack;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Inbox;

/// <summary>Normalises a stored delivery of any source again (the relay and replay start from the raw body).</summary>
public sealed class WebhookNormalizers(IOptions<InboxOptions> options)
{
    private readonly GitHubEventNormalizer _gitHub = new(options.Value.AgentName);
    private readonly LinearEventNormalizer _linear = new(options.Value.AgentName);

    public GitHubEventNormalizer GitHub => _gitHub;

    public LinearEventNormalizer Linear => _linear;

    /// <exception cref="WebhookPayloadException">The body lacks a field the event needs.</exception>
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public Normalized Normalize(InboxDelivery delivery)
    {
        switch (delivery.Source)
        {
            case WebhookSources.GitHub:
                using (var document = JsonDocument.Parse(delivery.Body))
                {
                    return _gitHub.Normalize(delivery.Event, delivery.DeliveryId, delivery.CorrelationId, document.RootElement);
                }

            case WebhookSources.Linear:
                using (var document = JsonDocument.Parse(delivery.Body))
                {
                    return _linear.Normalize(delivery.DeliveryId, delivery.CorrelationId, document.RootElement);
                }

            case WebhookSources.Slack when delivery.Event == SlackEventNormalizer.SlashCommand:
                return Normalized.Publish(SlackEventNormalizer.FromCommand(delivery.DeliveryId, delivery.CorrelationId, ParseForm(delivery.Body)));

            case WebhookSources.Slack:
                using (var document = JsonDocument.Parse(delivery.Body))
                {
                    return SlackEventNormalizer.FromEvent(delivery.DeliveryId, delivery.CorrelationId, document.RootElement);
                }

            default:
                throw new WebhookPayloadException($"unknown source '{delivery.Source}'");
        }
    }

    /// <summary>A form body; percent-escapes of <c>\0</c>, lone surrogates or invalid UTF-8 come out as U+FFFD.</summary>
    public static Dictionary<string, string> ParseForm(byte[] body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in QueryHelpers.ParseQuery(Encoding.UTF8.GetString(body)))
        {
            form[DeliveryBody.CleanText(key)!] = DeliveryBody.CleanText(value.ToString())!;
        }

        return form;
    }
}
