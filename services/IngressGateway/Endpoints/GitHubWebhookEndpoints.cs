using System.Text.Json;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Webhooks;
using Agentic.IngressGateway.Webhooks.GitHub;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Endpoints;

public static partial class GitHubWebhookEndpoints
{
    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/github", ReceiveAsync).RequireRateLimiting(WebhookRateLimits.Policy);
        return app;
    }

    /// <summary>Verify, record durably (inbox, group commit), publish with a confirm, answer.</summary>
    private static async Task<IResult> ReceiveAsync(
        HttpContext context,
        IOptionsMonitor<GitHubWebhookOptions> gitHub,
        IOptions<InboxOptions> inboxOptions,
        WebhookNormalizers normalizers,
        WebhookAcceptance acceptance,
        ILogger<GitHubWebhookReceiver> logger)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var maxBytes = inboxOptions.Value.MaxBodyBytes;
        var body = await WebhookHttp.ReadBodyAsync(request, maxBytes, cancellationToken);
        if (body is null)
        {
            return WebhookHttp.TooLarge(maxBytes);
        }

        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        if (!GitHubSignature.IsValid(body, request.Headers["X-Hub-Signature-256"].FirstOrDefault(), gitHub.CurrentValue.Secrets))
        {
            LogRejected(logger, deliveryId);
            return WebhookHttp.Unauthorized(request.Headers.ContainsKey("X-Hub-Signature")
                ? "Only X-Hub-Signature-256 is accepted; the SHA-1 X-Hub-Signature is not."
                : "Missing or invalid X-Hub-Signature-256.");
        }

        var eventName = request.Headers["X-GitHub-Event"].ToString();
        if (eventName.Length is 0 or > 100 || deliveryId.Length is 0 or > 100)
        {
            return WebhookHttp.BadRequest("The X-GitHub-Event and X-GitHub-Delivery headers are required (at most 100 characters).");
        }

        object? message;
        string? action;
        var correlationId = NewId.NextGuid();
        try
        {
            using var document = JsonDocument.Parse(body);
            action = document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.OptionalString("action") : null;
            message = normalizers.GitHub.Normalize(eventName, deliveryId, correlationId, document.RootElement);
        }
        catch (JsonException ex)
        {
            return WebhookHttp.BadRequest($"The body is not valid JSON: {ex.Message}");
        }
        catch (WebhookPayloadException ex)
        {
            return WebhookHttp.BadRequest($"The {eventName} payload is not usable: {ex.Message}.");
        }

        var delivery = new InboxDelivery(WebhookSources.GitHub, deliveryId, eventName, action, correlationId, body, Ignored: message is null);
        var outcome = await acceptance.AcceptAsync(delivery, message, cancellationToken);
        LogOutcome(logger, eventName, action ?? "-", deliveryId, WebhookHttp.Status(outcome));
        return eventName == "ping" && outcome == AcceptanceOutcome.Ignored
            ? Results.Json(new { status = "pong", delivery = deliveryId }, statusCode: StatusCodes.Status202Accepted)
            : WebhookHttp.Answer(context, outcome, deliveryId);
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected GitHub delivery {DeliveryId}: bad signature")]
    private static partial void LogRejected(ILogger logger, string deliveryId);

    [LoggerMessage(2, LogLevel.Debug, "GitHub {Event}.{Action} delivery {DeliveryId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string @event, string action, string deliveryId, string outcome);
}

/// <summary>Logger category for the GitHub webhook endpoint.</summary>
public sealed class GitHubWebhookReceiver;
