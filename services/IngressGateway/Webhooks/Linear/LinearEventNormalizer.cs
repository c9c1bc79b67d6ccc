using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks.Linear;

/// <summary>Linear data-change webhooks: issues become <see cref="LinearIssueChanged"/>, comments addressed to the agent become requests.</summary>
public sealed class LinearEventNormalizer(string agentName)
{
    public object? Normalize(string deliveryId, Guid correlationId, JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
        {
            throw new WebhookPayloadException("the payload is not a JSON object");
        }

        var data = payload.Node("data") ?? throw new WebhookPayloadException("'data' is missing");
        var action = payload.OptionalString("action") ?? string.Empty;
        return payload.OptionalString("type") switch
        {
            "Issue" => new LinearIssueChanged
            {
                CorrelationId = correlationId,
                DeliveryId = deliveryId,
                IssueId = data.RequiredString("id"),
                Identifier = data.OptionalString("identifier") ?? string.Empty,
                Action = action,
                Title = data.OptionalString("title") ?? string.Empty,
                StateName = data.OptionalString("state", "name"),
                AssigneeId = data.OptionalString("assigneeId"),
                Labels = data.Array("labels").Select(l => l.OptionalString("name")).OfType<string>().ToList(),
            },
            "Comment" when action == "create" && AgentCommandParser.ParseAddressed(data.OptionalString("body"), agentName) is { } command =>
                new AgentRequestReceived
                {
                    CorrelationId = correlationId,
                    DeliveryId = deliveryId,
                    Source = RequestSource.Linear,
                    Verb = command.Verb,
                    Text = command.Text,
                    Requester = data.OptionalString("userId") ?? data.OptionalString("user", "id") ?? string.Empty,
                    Association = AuthorAssociation.None,
                    ReplyTo = new ReplyTarget { Source = RequestSource.Linear, Address = data.RequiredString("issueId") },
                },
            _ => null,
        };
    }
}
