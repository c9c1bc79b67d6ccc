using System.Text.Json;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Webhooks;
using Agentic.IngressGateway.Webhooks.Slack;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>
/// Slack's Events API (<c>/webhooks/slack/events</c>) and slash commands (<c>/webhooks/slack/commands</c>): <c>v0</c>
/// signatures, 5-minute replay window, answered at once (Slack gives 3 s); retries (<c>X-Slack-Retry-Num</c>) carry
/// the same event id and are recorded once.
/// </summary>
public static partial class SlackWebhookEndpoints
{
    public static IEndpointRouteBuilder MapSlackWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/slack/events", ReceiveEventAsync).RequireRateLimiting(WebhookRateLimits.Policy);
        app.MapPost("/webhooks/slack/commands", ReceiveCommandAsync).RequireRateLimiting(WebhookRateLimits.Policy).DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ReceiveEventAsync(
        HttpContext context, IOptionsMonitor<SlackWebhookOptions> slack, IOptions<InboxOptions> inboxOptions,
        WebhookAcceptance acceptance, TimeProvider clock, ILogger<SlackWebhookReceiver> logger)
    {
        var (body, rejection) = await ReadVerifiedAsync(context, slack.CurrentValue, inboxOptions.Value, clock, logger);
        if (rejection is not null)
        {
            return rejection;
        }

        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(body!);
            payload = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return WebhookHttp.BadRequest($"The body is not valid JSON: {ex.Message}");
        }

        var type = payload.ValueKind == JsonValueKind.Object ? payload.OptionalString("type") : null;
        if (type == "url_verification")
        {
            return payload.OptionalString("challenge") is { } challenge
                ? Results.Json(new { challenge })
                : WebhookHttp.BadRequest("url_verification without 'challenge'.");
        }

        if (type != SlackEventNormalizer.EventCallback)
        {
            return WebhookHttp.BadRequest($"Unsupported Slack payload type '{type ?? "(none)"}'.");
        }

        var eventId = payload.OptionalString("event_id");
        if (eventId is null or { Length: > 100 })
        {
            return WebhookHttp.BadRequest("An event_callback must carry 'event_id'.");
        }

        object? message;
        var correlationId = NewId.NextGuid();
        try
        {
            message = SlackEventNormalizer.FromEvent(eventId, correlationId, payload);
        }
        catch (WebhookPayloadException ex)
        {
            return WebhookHttp.BadRequest($"The Slack event is not usable: {ex.Message}.");
        }

        var delivery = new InboxDelivery(WebhookSources.Slack, eventId, SlackEventNormalizer.EventCallback, payload.OptionalString("event", "type"),
            correlationId, body!, Ignored: message is null);
        var outcome = await acceptance.AcceptAsync(delivery, message, context.RequestAborted);
        LogOutcome(logger, eventId, context.Request.Headers["X-Slack-Retry-Num"].ToString(), WebhookHttp.Status(outcome));
        // Slack wants 200 for anything it should not retry; a duplicate (its own retry) is such a case.
        return outcome == AcceptanceOutcome.Unavailable
            ? WebhookHttp.Answer(context, outcome, eventId)
            : Results.Ok(new { status = WebhookHttp.Status(outcome), delivery = eventId });
    }

    private static async Task<IResult> ReceiveCommandAsync(
        HttpContext context, IOptionsMonitor<SlackWebhookOptions> slack, IOptions<InboxOptions> inboxOptions,
        WebhookAcceptance acceptance, TimeProvider clock, ILogger<SlackWebhookReceiver> logger)
    {
        var (body, rejection) = await ReadVerifiedAsync(context, slack.CurrentValue, inboxOptions.Value, clock, logger);
        if (rejection is not null)
        {
            return rejection;
        }

        Dictionary<string, string> form;
        try
        {
            form = WebhookNormalizers.ParseForm(body!);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException)
        {
            return WebhookHttp.BadRequest($"The body is not a valid form: {ex.Message}");
        }

        // trigger_id is unique per invocation: the dedupe key for a slash command.
        if (!form.TryGetValue("trigger_id", out var triggerId) || triggerId.Length is 0 or > 100)
        {
            return WebhookHttp.BadRequest("A slash command must carry 'trigger_id'.");
        }

        object message;
        var correlationId = NewId.NextGuid();
        try
        {
            message = SlackEventNormalizer.FromCommand(triggerId, correlationId, form);
        }
        catch (WebhookPayloadException ex)
        {
            return WebhookHttp.BadRequest($"The slash command is not usable: {ex.Message}.");
        }

        var delivery = new InboxDelivery(WebhookSources.Slack, triggerId, SlackEventNormalizer.SlashCommand, form.GetValueOrDefault("command"),
            correlationId, body!, Ignored: false);
        var outcome = await acceptance.AcceptAsync(delivery, message, context.RequestAborted);
        LogOutcome(logger, triggerId, string.Empty, WebhookHttp.Status(outcome));
        if (outcome == AcceptanceOutcome.Unavailable)
        {
            return WebhookHttp.Answer(context, outcome, triggerId);
        }

        // The immediate reply Slack shows the user; the outcome follows in the channel.
        var text = outcome == AcceptanceOutcome.Duplicate ? "Already on it." : "Got it. I will reply in this channel.";
        return Results.Json(new { response_type = "ephemeral", text });
    }

    private static async Task<(byte[]? Body, IResult? Rejection)> ReadVerifiedAsync(
        HttpContext context, SlackWebhookOptions slack, InboxOptions inbox, TimeProvider clock, ILogger logger)
    {
        if (slack.SigningSecrets.Count == 0)
        {
            return (null, WebhookHttp.NotConfigured("Slack"));
        }

        var request = context.Request;
        var body = await WebhookHttp.ReadBodyAsync(request, inbox.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            return (null, WebhookHttp.TooLarge(inbox.MaxBodyBytes));
        }

        var check = SlackSignature.Check(body, request.Headers["X-Slack-Request-Timestamp"].FirstOrDefault(),
            request.Headers["X-Slack-Signature"].FirstOrDefault(), slack.SigningSecrets, clock.GetUtcNow(), slack.Tolerance);
        if (check != SignatureCheck.Valid)
        {
            LogRejected(logger, check.ToString());
            return (null, WebhookHttp.Unauthorized(check == SignatureCheck.Stale
                ? "X-Slack-Request-Timestamp is missing or outside the 5-minute window."
                : "Missing or invalid X-Slack-Signature."));
        }

        return (body, null);
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected Slack request: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Debug, "Slack delivery {DeliveryId} (retry '{Retry}'): {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string deliveryId, string retry, string outcome);
}

/// <summary>Logger category for the Slack endpoints.</summary>
public sealed class SlackWebhookReceiver;
