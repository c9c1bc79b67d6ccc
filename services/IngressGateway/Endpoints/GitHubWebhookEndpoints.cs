using System.Text.Json;
using Agentic.IngressGateway.Options;
using Agentic.IngressGateway.Persistence;
using Agentic.IngressGateway.Webhooks;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Agentic.IngressGateway.Endpoints;

public static partial class GitHubWebhookEndpoints
{
    public static IEndpointRouteBuilder MapGitHubWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/webhooks/github", ReceiveAsync).DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// Verify, record durably, publish, answer. A delivery is never acknowledged with 2xx before it is in the inbox;
    /// if the broker is away it stays there for the relay, and if the database is away GitHub gets 503 and may redeliver.
    /// </summary>
    private static async Task<IResult> ReceiveAsync(
        HttpRequest request,
        IOptions<GitHubWebhookOptions> options,
        DeliveryInbox inbox,
        DeliveryPublisher publisher,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(GitHubWebhookEndpoints));
        var settings = options.Value;
        var body = await ReadBodyAsync(request, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            return Results.Problem($"The body is larger than {settings.MaxBodyBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (!GitHubSignature.IsValid(body, request.Headers["X-Hub-Signature-256"].ToString() is { Length: > 0 } s ? s : null, settings.Secrets))
        {
            LogRejected(logger, request.Headers["X-GitHub-Delivery"].ToString());
            return Results.Problem("Missing or invalid X-Hub-Signature-256.", statusCode: StatusCodes.Status401Unauthorized);
        }

        var eventName = request.Headers["X-GitHub-Event"].ToString();
        var deliveryId = request.Headers["X-GitHub-Delivery"].ToString();
        if (eventName.Length == 0 || deliveryId.Length == 0 || deliveryId.Length > 100)
        {
            return Results.Problem("The X-GitHub-Event and X-GitHub-Delivery headers are required.", statusCode: StatusCodes.Status400BadRequest);
        }

        object? message;
        string? action;
        var correlationId = NewId.NextGuid();
        try
        {
            using var document = JsonDocument.Parse(body);
            action = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("action", out var a) ? a.GetString() : null;
            message = GitHubEventNormalizer.Normalize(eventName, deliveryId, correlationId, document.RootElement);
        }
        catch (JsonException ex)
        {
            return Results.Problem($"The body is not valid JSON: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Results.Problem($"The {eventName} payload lacks a field Agentic needs: {ex.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        var delivery = new InboxDelivery("github", deliveryId, eventName, action, correlationId, body, Ignored: message is null);
        try
        {
            if (!await inbox.TryAcceptAsync(delivery, cancellationToken))
            {
                LogDuplicate(logger, deliveryId);
                return Results.Ok(new { status = "duplicate", delivery = deliveryId });
            }
        }
        catch (NpgsqlException ex)
        {
            LogDatabaseDown(logger, ex, deliveryId);
            return Results.Problem("Agentic cannot record deliveries right now; please redeliver.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (message is null)
        {
            LogIgnored(logger, eventName, action ?? "-", deliveryId);
            return Results.Accepted(value: new { status = "ignored", delivery = deliveryId });
        }

        var published = await publisher.TryPublishAsync(delivery, cancellationToken);
        LogAccepted(logger, eventName, action ?? "-", deliveryId, published);
        return Results.Accepted(value: new { status = published ? "published" : "queued", delivery = deliveryId });
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 16 * 1024);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    [LoggerMessage(1, LogLevel.Warning, "Rejected GitHub delivery {DeliveryId}: bad signature")]
    private static partial void LogRejected(ILogger logger, string deliveryId);

    [LoggerMessage(2, LogLevel.Information, "GitHub delivery {DeliveryId} seen before; not published again")]
    private static partial void LogDuplicate(ILogger logger, string deliveryId);

    [LoggerMessage(3, LogLevel.Error, "GitHub delivery {DeliveryId} refused with 503: database unavailable")]
    private static partial void LogDatabaseDown(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(4, LogLevel.Information, "GitHub {Event}.{Action} delivery {DeliveryId} recorded and ignored")]
    private static partial void LogIgnored(ILogger logger, string @event, string action, string deliveryId);

    [LoggerMessage(5, LogLevel.Information, "GitHub {Event}.{Action} delivery {DeliveryId} accepted (published: {Published})")]
    private static partial void LogAccepted(ILogger logger, string @event, string action, string deliveryId, bool published);
}
