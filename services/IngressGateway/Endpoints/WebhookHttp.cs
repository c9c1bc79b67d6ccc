using Agentic.IngressGateway.Inbox;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>What the three webhook endpoints share: bounded body reads and the answers for each outcome.</summary>
internal static class WebhookHttp
{
    /// <summary>The raw body, or null when it exceeds <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } length)
        {
            if (length > maxBytes)
            {
                return null;
            }

            // The common case: one exact allocation, no intermediate buffers.
            var body = new byte[length];
            await request.Body.ReadExactlyAsync(body, cancellationToken);
            return body;
        }

        using var buffer = new MemoryStream();
        var chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    public static IResult TooLarge(long maxBytes) =>
        Results.Problem($"The body is larger than the {maxBytes} bytes accepted.", statusCode: StatusCodes.Status413PayloadTooLarge);

    public static IResult BadRequest(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest);

    public static IResult Unauthorized(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized);

    public static IResult NotConfigured(string provider) =>
        Results.Problem($"{provider} webhooks are not configured on this gateway.", statusCode: StatusCodes.Status404NotFound);

    /// <summary>
    /// The JSON answer for an outcome: 202 recorded (with the reason when nothing is published), 200 duplicate, 503
    /// (with Retry-After) unavailable, 400 when PostgreSQL refused this one delivery.
    /// </summary>
    public static IResult Answer(HttpContext context, Acceptance acceptance, string deliveryId)
    {
        if (acceptance.Outcome == AcceptanceOutcome.Unavailable)
        {
            context.Response.Headers.RetryAfter = "5";
            return Results.Problem("Agentic cannot record deliveries right now; please redeliver.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (acceptance.Outcome == AcceptanceOutcome.Rejected)
        {
            return BadRequest($"The delivery cannot be stored: {acceptance.Reason}.");
        }

        var body = new { status = Status(acceptance.Outcome), delivery = deliveryId, reason = acceptance.Reason };
        return acceptance.Outcome == AcceptanceOutcome.Duplicate ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// A signed delivery whose payload is not in the shape its event needs: recorded as malformed (the operator API
    /// lists it, nothing is published) and answered 400 naming the problem; 503 when it could not be recorded.
    /// </summary>
    public static IResult Malformed(HttpContext context, Acceptance acceptance, string deliveryId, string problem) =>
        acceptance.Outcome is AcceptanceOutcome.Unavailable or AcceptanceOutcome.Rejected
            ? Answer(context, acceptance, deliveryId)
            : BadRequest(problem);

    public static string Status(AcceptanceOutcome outcome) => outcome switch
    {
        AcceptanceOutcome.Published => "published",
        AcceptanceOutcome.Queued => "queued",
        AcceptanceOutcome.Ignored => "ignored",
        AcceptanceOutcome.Duplicate => "duplicate",
        AcceptanceOutcome.Rejected => "rejected",
        _ => "unavailable",
    };
}
