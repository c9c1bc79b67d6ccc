using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks.Slack;

/// <summary>Slack Events API callbacks and slash commands to <see cref="AgentRequestReceived"/>; other traffic is recorded and ignored.</summary>
public static class SlackEventNormalizer
{
    public const string EventCallback = "event_callback";
    public const string SlashCommand = "slash_command";

    /// <summary>An <c>event_callback</c>: app mentions, and direct messages to the app from people (never from bots).</summary>
    public static AgentRequestReceived? FromEvent(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var slackEvent = payload.Node("event") ?? throw new WebhookPayloadException("'event' is missing");
        var type = slackEvent.OptionalString("type");
        var isDirectMessage = type == "message" && slackEvent.OptionalString("channel_type") == "im";
        if ((type != "app_mention" && !isDirectMessage) || slackEvent.Node("bot_id") is not null || slackEvent.OptionalString("subtype") is not null)
        {
            return null;
        }

        var command = AgentCommandParser.ParseWords(slackEvent.OptionalString("text"));
        var channel = slackEvent.RequiredString("channel");
        return new AgentRequestReceived
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Source = RequestSource.Slack,
            Verb = command.Verb,
            Text = command.Text,
            Requester = slackEvent.OptionalString("user") ?? string.Empty,
            Association = AuthorAssociation.None,
            ReplyTo = new ReplyTarget
            {
                Source = RequestSource.Slack,
                Address = channel,
                ThreadId = slackEvent.OptionalString("thread_ts") ?? slackEvent.OptionalString("ts"),
            },
        };
    }

    /// <summary>A slash command (<c>/agentic fix ...</c>), form-encoded.</summary>
    public static AgentRequestReceived FromCommand(string deliveryId, Guid correlationId, IReadOnlyDictionary<string, string> form)
    {
        string Field(string name) => form.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new WebhookPayloadException($"form field '{name}' is missing");

        var command = AgentCommandParser.ParseWords(form.GetValueOrDefault("text"));
        return new AgentRequestReceived
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Source = RequestSource.Slack,
            Verb = command.Verb,
            Text = command.Text,
            Requester = Field("user_id"),
            Association = AuthorAssociation.None,
            ReplyTo = new ReplyTarget { Source = RequestSource.Slack, Address = Field("channel_id") },
        };
    }
}
