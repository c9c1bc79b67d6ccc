using System.Text.Json;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Webhooks;
using Agentic.IngressGateway.Webhooks.Linear;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>Linear webhooks: <c>Linear-Signature</c> over the raw body, <c>webhookTimestamp</c> within 60 s, deduped by <c>Linear-Delivery</c>.</summary>
public static partial class LinearWebhookEndpoints
{
    public static IEndpointRouteBuilder MapLinearWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/linear", ReceiveAsync).RequireRateLimiting(WebhookRateLimits.Policy);
        return app;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext context, IOptionsMonitor<LinearWebhookOptions> linear, IOptions<InboxOptions> inboxOptions, WebhookNormalizers normalizers,
        WebhookAcceptance acceptance, TimeProvider clock, ILogger<LinearWebhookReceiver> logger)
    {
        var settings = linear.CurrentValue;
        if (settings.WebhookSecrets.Count == 0)
        {
            return WebhookHttp.NotConfigured("Linear");
        }

        var request = context.Request;
        var maxBytes = inboxOptions.Value.MaxBodyBytes;
        var body = await WebhookHttp.ReadBodyAsync(request, maxBytes, context.RequestAborted);
        if (body is null)
        {
            return WebhookHttp.TooLarge(maxBytes);
        }

        // Invalid UTF-8, \u0000 and lone surrogates become U+FFFD in the stored (and parsed) copy; the signature is over the raw bytes.
        var stored = DeliveryBody.Clean(body);
        JsonElement payload;
        try
        {
            using var document = JsonDocument.Parse(stored.Body);
            payload = document.RootElement.Clone();
        }
        catch (JsonException) when (!LinearSignatureLooksValid(body, request, settings))
        {
            LogRejected(logger, nameof(SignatureCheck.Invalid));
            return WebhookHttp.Unauthorized("Missing or invalid Linear-Signature.");
        }
        catch (JsonException ex)
        {
            return WebhookHttp.BadRequest($"The body is not valid JSON: {ex.Message}");
        }

        var check = LinearSignature.Check(body, request.Headers["Linear-Signature"].FirstOrDefault(), payload, settings.WebhookSecrets, clock.GetUtcNow(), settings.Tolerance);
        if (check != SignatureCheck.Valid)
        {
            LogRejected(logger, check.ToString());
            return WebhookHttp.Unauthorized(check == SignatureCheck.Stale
                ? "webhookTimestamp is missing or more than 60 seconds from now."
                : "Missing or invalid Linear-Signature.");
        }

        var deliveryId = request.Headers["Linear-Delivery"].ToString();
        if (deliveryId.Length is 0 or > 100)
        {
            return WebhookHttp.BadRequest("The Linear-Delivery header is required (at most 100 characters).");
        }

        var correlationId = NewId.NextGuid();
        var isObject = payload.ValueKind == JsonValueKind.Object;
        var eventName = (isObject ? payload.OptionalText(100, "type") : null) ?? Truncate(request.Headers["Linear-Event"].ToString());
        var delivery = new InboxDelivery(WebhookSources.Linear, deliveryId, eventName, isObject ? payload.OptionalText(100, "action") : null, correlationId, stored.Body, Ignored: true)
        {
            RawSha256 = stored.RawSha256,
        };
        Normalized normalized;
        try
        {
            normalized = normalizers.Linear.Normalize(deliveryId, correlationId, payload);
        }
        catch (WebhookPayloadException ex)
        {
            var problem = $"The Linear payload is not usable: {ex.Message}.";
            return WebhookHttp.Malformed(context, await acceptance.AcceptAsync(delivery with { Reason = problem, Malformed = true }, null, context.RequestAborted), deliveryId, problem);
        }

        delivery = delivery with { Ignored = normalized.Message is null, Reason = normalized.IgnoredReason };
        var result = await acceptance.AcceptAsync(delivery, normalized.Message, context.RequestAborted);
        LogOutcome(logger, deliveryId, eventName, WebhookHttp.Status(result.Outcome), result.Reason ?? string.Empty);
        return WebhookHttp.Answer(context, result, deliveryId);
    }

    private static string Truncate(string value) => value.Length > 100 ? value[..100] : value;

    // A body that is not JSON cannot carry webhookTimestamp; answer 401 rather than 400 to unsigned garbage.
    private static bool LinearSignatureLooksValid(byte[] body, HttpRequest request, LinearWebhookOptions settings)
    {
        Span<byte> expected = stackalloc byte[32];
        return request.Headers["Linear-Signature"].FirstOrDefault() is { } signature &&
               HmacSha256.TryParseHex(signature, expected) &&
               HmacSha256.MatchesAny(body, expected, settings.WebhookSecrets);
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected Linear delivery: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);

    [LoggerMessage(2, LogLevel.Debug, "Linear delivery {DeliveryId} ({Event}): {Outcome} {Reason}")]
    private static partial void LogOutcome(ILogger logger, string deliveryId, string @event, string outcome, string reason);
}

/// <summary>Logger category for the Linear endpoint.</summary>
public sealed class LinearWebhookReceiver;
