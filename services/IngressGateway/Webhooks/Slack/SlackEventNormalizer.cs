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
    public static Normalized FromEvent(string deliveryId, Guid correlationId, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("the payload is not a JSON object");
        }

        var slackEvent = payload.RequiredObject("event");
        var type = slackEvent.OptionalString("type");
        var isDirectMessage = type == "message" && slackEvent.OptionalString("channel_type") == "im";
        if (slackEvent.Node("bot_id") is not null)
        {
            return Normalized.Ignore("messages from bots never command the app");
        }

        if ((type != "app_mention" && !isDirectMessage) || slackEvent.OptionalString("subtype") is not null)
        {
            return Normalized.Ignore($"nothing in Agentic uses Slack {type ?? "(no type)"} events of this kind");
        }

        // Code blocks, quotes and inline code are not the author speaking to the app.
        var search = AgentCommandParser.ParseSlackMessage(slackEvent.OptionalString("text"), mentionRequired: type == "app_mention");
        if (search.Command is not { } command)
        {
            return Normalized.NoCommand(search);
        }

        var channel = slackEvent.RequiredText(100, "channel");
        return Normalized.Publish(new AgentRequestReceived
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
        });
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
