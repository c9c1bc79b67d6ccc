using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks.Linear;

/// <summary>Linear data-change webhooks: issues become <see cref="LinearIssueChanged"/>, comments addressed to the agent become requests.</summary>
public sealed class LinearEventNormalizer(string agentName)
{
    public Normalized Normalize(string deliveryId, Guid correlationId, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("the payload is not a JSON object");
        }

        var data = payload.RequiredObject("data");
        var action = payload.OptionalString("action") ?? string.Empty;
        var type = payload.OptionalString("type");
        if (type == "Issue")
        {
            return Normalized.Publish(new LinearIssueChanged
            {
                CorrelationId = correlationId,
                DeliveryId = deliveryId,
                IssueId = data.RequiredText(200, "id"),
                Identifier = data.OptionalString("identifier") ?? string.Empty,
                Action = action,
                Title = data.OptionalString("title") ?? string.Empty,
                StateName = data.OptionalString("state", "name"),
                AssigneeId = data.OptionalString("assigneeId"),
                Labels = data.Array("labels").Select(l => l.OptionalString("name")).OfType<string>().ToList(),
            });
        }

        if (type != "Comment" || action != "create")
        {
            return Normalized.Ignore($"nothing in Agentic uses Linear {type ?? "(no type)"}.{action}");
        }

        // Linear users are mapped by configuration downstream: no author association here, but the visibility rules hold.
        var search = AgentCommandParser.ParseAddressed(data.OptionalString("body"), agentName);
        if (search.Command is not { } command)
        {
            return Normalized.NoCommand(search);
        }

        return Normalized.Publish(new AgentRequestReceived
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Source = RequestSource.Linear,
            Verb = command.Verb,
            Text = command.Text,
            Requester = data.OptionalString("userId") ?? data.OptionalString("user", "id") ?? string.Empty,
            Association = AuthorAssociation.None,
            ReplyTo = new ReplyTarget { Source = RequestSource.Linear, Address = data.RequiredText(200, "issueId") },
        });
    }
}
