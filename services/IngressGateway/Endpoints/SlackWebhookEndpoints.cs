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

        // Invalid UTF-8, \u0000 and lone surrogates become U+FFFD in the stored (and parsed) copy.
        var stored = DeliveryBody.Clean(body!);
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(stored.Body);
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

        var correlationId = NewId.NextGuid();
        var delivery = new InboxDelivery(WebhookSources.Slack, eventId, SlackEventNormalizer.EventCallback, null, correlationId, stored.Body, Ignored: true)
        {
            RawSha256 = stored.RawSha256,
        };
        Normalized normalized;
        try
        {
            delivery = delivery with { Action = payload.Node("event") is { ValueKind: JsonValueKind.Object } ? payload.OptionalText(100, "event", "type") : null };
            normalized = SlackEventNormalizer.FromEvent(eventId, correlationId, payload);
        }
        catch (WebhookPayloadException ex)
        {
            var problem = $"The Slack event is not usable: {ex.Message}.";
            return WebhookHttp.Malformed(context, await acceptance.AcceptAsync(delivery with { Reason = problem, Malformed = true }, null, context.RequestAborted), eventId, problem);
        }

        delivery = delivery with { Ignored = normalized.Message is null, Reason = normalized.IgnoredReason };
        var result = await acceptance.AcceptAsync(delivery, normalized.Message, context.RequestAborted);
        var outcome = result.Outcome;
        LogOutcome(logger, eventId, context.Request.Headers["X-Slack-Retry-Num"].ToString(), WebhookHttp.Status(outcome));
        // Slack wants 200 for anything it should not retry; a duplicate (its own retry) is such a case.
        return outcome is AcceptanceOutcome.Unavailable or AcceptanceOutcome.Rejected
            ? WebhookHttp.Answer(context, result, eventId)
            : Results.Ok(new { status = WebhookHttp.Status(outcome), delivery = eventId, reason = result.Reason });
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

        var stored = DeliveryBody.Clean(body!);
        Dictionary<string, string> form;
        try
        {
            form = WebhookNormalizers.ParseForm(stored.Body);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException)
        {
            return WebhookHttp.BadRequest($"The body is not a valid form: {ex.Message}");
        }

        // trigger_id is unique per invocation: the dedupe key for a slash command.
        if (!form.TryGetValue("trigger_id", out var triggerId) || triggerId.Length is 0 or > 100)
        {
            return WebhookHttp.BadRequest("A slash command must carry 'trigger_id' (at most 100 characters).");
        }

        var correlationId = NewId.NextGuid();
        var command = form.GetValueOrDefault("command") is { } name ? (name.Length > 100 ? name[..100] : name) : null;
        var delivery = new InboxDelivery(WebhookSources.Slack, triggerId, SlackEventNormalizer.SlashCommand, command, correlationId, stored.Body, Ignored: false)
        {
            RawSha256 = stored.RawSha256,
        };
        object message;
        try
        {
            message = SlackEventNormalizer.FromCommand(delivery.DeliveryId, correlationId, form);
        }
        catch (WebhookPayloadException ex)
        {
            var problem = $"The slash command is not usable: {ex.Message}.";
            return WebhookHttp.Malformed(context, await acceptance.AcceptAsync(delivery with { Ignored = true, Reason = problem, Malformed = true }, null, context.RequestAborted), triggerId, problem);
        }

        var result = await acceptance.AcceptAsync(delivery, message, context.RequestAborted);
        var outcome = result.Outcome;
        LogOutcome(logger, triggerId, string.Empty, WebhookHttp.Status(outcome));
        if (outcome is AcceptanceOutcome.Unavailable or AcceptanceOutcome.Rejected)
        {
            return WebhookHttp.Answer(context, result, triggerId);
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
