using System.Globalization;
using System.Threading.RateLimiting;
using Agentic.IngressGateway.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Agentic.IngressGateway.Endpoints;

/// <summary>Per-source rate limiting of the webhook endpoints: over the limit a sender gets 429 with <c>Retry-After</c>.</summary>
public static class WebhookRateLimits
{
    public const string Policy = "webhooks";

    public static IServiceCollection AddWebhookRateLimits(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            limiter.AddPolicy(Policy, context =>
            {
                var permits = context.RequestServices.GetRequiredService<IOptions<InboxOptions>>().Value.PermitsPerSecond;
                var source = context.Request.Path.StartsWithSegments("/webhooks/slack") ? "slack"
                    : context.Request.Path.StartsWithSegments("/webhooks/linear") ? "linear"
                    : "github";
                return RateLimitPartition.GetFixedWindowLimiter(source, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = permits,
                    Window = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                });
            });
        });
}
