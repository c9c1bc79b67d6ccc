using System.Text.Json;
using Agentic.IngressGateway.Inbox;
using Agentic.IngressGateway.Webhooks;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>
/// Operator endpoints: list recent deliveries and replay one (its event published again from the stored body).
/// Bearer <c>Inbox:OperatorApiKey</c> (<see cref="OperatorKey"/>); with no key configured they answer 404.
/// </summary>
public static partial class DeliveryEndpoints
{
    public static IEndpointRouteBuilder MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/deliveries").AddEndpointFilter(OperatorKey.RequireAsync);
        group.MapGet("/", ListAsync);
        group.MapPost("/{source}/{deliveryId}/replay", ReplayAsync);
        return app;
    }

    private static async Task<IResult> ListAsync(string? source, int? limit, DeliveryInbox inbox, CancellationToken cancellationToken)
    {
        if (source is not null && !WebhookSources.All.Contains(source))
        {
            return Results.Problem($"Unknown source '{source}'; use github, slack or linear.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (limit is < 1 or > 500)
        {
            return Results.Problem("limit must be between 1 and 500.", statusCode: StatusCodes.Status400BadRequest);
        }

        return Results.Ok(await inbox.ListRecentAsync(source, limit ?? 50, cancellationToken));
    }

    private static async Task<IResult> ReplayAsync(
        string source, string deliveryId, DeliveryInbox inbox, WebhookNormalizers normalizers, DeliveryPublisher publisher,
        InboxWriter writer, ILogger<DeliveryReplay> logger, CancellationToken cancellationToken)
    {
        if (await inbox.GetAsync(source, deliveryId, cancellationToken) is not { } delivery)
        {
            return Results.Problem($"No {source} delivery '{deliveryId}' is recorded.", statusCode: StatusCodes.Status404NotFound);
        }

        Normalized normalized;
        try
        {
            normalized = normalizers.Normalize(delivery);
        }
        catch (Exception ex) when (ex is JsonException or WebhookPayloadException)
        {
            return Results.Problem($"The stored delivery cannot be normalised: {ex.Message}", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        if (normalized.Message is not { } message)
        {
            return Results.Problem($"This {source} '{delivery.Event}' delivery has no event to publish: {normalized.IgnoredReason}.", statusCode: StatusCodes.Status422UnprocessableEntity);
        }

        await publisher.PublishAgainAsync(message, cancellationToken);
        _ = writer.MarkPublishedAsync(delivery);
        LogReplayed(logger, source, deliveryId);
        return Results.Accepted(value: new { status = "published", delivery = deliveryId, correlationId = delivery.CorrelationId });
    }

    [LoggerMessage(1, LogLevel.Information, "Operator replayed {Source} delivery {DeliveryId}")]
    private static partial void LogReplayed(ILogger logger, string source, string deliveryId);
}

/// <summary>Logger category for replays.</summary>
public sealed class DeliveryReplay;
