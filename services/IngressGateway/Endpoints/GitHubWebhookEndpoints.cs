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

        // Invalid UTF-8, \u0000 and lone surrogates become U+FFFD in the stored copy (the raw bytes' hash is kept), so
        // the delivery is recorded and every later reader can parse it.
        var stored = DeliveryBody.Clean(body);
        var correlationId = NewId.NextGuid();
        var delivery = new InboxDelivery(WebhookSources.GitHub, deliveryId, eventName, null, correlationId, stored.Body, Ignored: true) { RawSha256 = stored.RawSha256 };
        Normalized normalized;
        try
        {
            using var document = JsonDocument.Parse(stored.Body);
            delivery = delivery with { Action = document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.OptionalText(100, "action") : null };
            normalized = normalizers.GitHub.Normalize(eventName, deliveryId, correlationId, document.RootElement);
        }
        catch (Exception ex) when (ex is JsonException or WebhookPayloadException)
        {
            var problem = ex is JsonException ? $"The body is not valid JSON: {ex.Message}" : $"The {eventName} payload is not usable: {ex.Message}.";
            var recorded = await acceptance.AcceptAsync(delivery with { Reason = problem, Malformed = true }, null, cancellationToken);
            LogMalformed(logger, eventName, deliveryId, problem);
            return WebhookHttp.Malformed(context, recorded, deliveryId, problem);
        }

        delivery = delivery with { Ignored = normalized.Message is null, Reason = normalized.IgnoredReason };
        var result = await acceptance.AcceptAsync(delivery, normalized.Message, cancellationToken);
        if (normalized.Refused && result.Outcome == AcceptanceOutcome.Ignored)
        {
            LogRefused(logger, deliveryId, normalized.IgnoredReason!);
        }

        LogOutcome(logger, eventName, delivery.Action ?? "-", deliveryId, WebhookHttp.Status(result.Outcome));
        return eventName == "ping" && result.Outcome == AcceptanceOutcome.Ignored
            ? Results.Json(new { status = "pong", delivery = deliveryId }, statusCode: StatusCodes.Status202Accepted)
            : WebhookHttp.Answer(context, result, deliveryId);
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected GitHub delivery {DeliveryId}: bad signature")]
    private static partial void LogRejected(ILogger logger, string deliveryId);

    [LoggerMessage(2, LogLevel.Debug, "GitHub {Event}.{Action} delivery {DeliveryId}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string @event, string action, string deliveryId, string outcome);

    [LoggerMessage(4, LogLevel.Information, "GitHub delivery {DeliveryId}: command not acted on, {Reason}")]
    private static partial void LogRefused(ILogger logger, string deliveryId, string reason);

    [LoggerMessage(3, LogLevel.Warning, "GitHub {Event} delivery {DeliveryId} is malformed: {Problem}")]
    private static partial void LogMalformed(ILogger logger, string @event, string deliveryId, string problem);
}

/// <summary>Logger category for the GitHub webhook endpoint.</summary>
public sealed class GitHubWebhookReceiver;
