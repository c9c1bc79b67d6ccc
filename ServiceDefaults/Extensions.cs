using System.Text.Json;
using Agentic.ServiceDefaults.Data;
using Agentic.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.ServiceDefaults;

public static class Extensions
{
    /// <summary>
    /// What every Agentic service gets with one call: structured console logs carrying trace ids, OpenTelemetry
    /// (exported over OTLP when configured), service discovery for HttpClients, health checks, and the PostgreSQL data
    /// source. Messaging is added by <c>AddAgenticMessaging</c> so that each service registers its own consumers.
    /// </summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.ConfigureLogging();
        builder.AddAgenticOpenTelemetry();
        builder.Services.TryAddSingleton(TimeProvider.System);

        // As in Aspire's template: HttpClients resolve "http://name" and "https+http://name" from services:name:*
        // (what WithReference sets). Resilience is not a default: a client that needs retries adds
        // AddStandardResilienceHandler itself, and the GitHub client has its own (rate limits, Retry-After).
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddServiceDiscovery());
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [HealthTags.Live]);
        builder.AddAgenticDatabase();
        return builder;
    }

    /// <summary>
    /// <c>/health</c> (ready: every check, including broker and database, but those tagged with one of
    /// <paramref name="notNeededToServe"/>) and <c>/alive</c> (the process answers).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, params string[] notNeededToServe)
    {
        app.MapHealthChecks(HealthEndpoints.Readiness, new HealthCheckOptions
        {
            Predicate = check => !check.Tags.Overlaps(notNeededToServe),
            ResponseWriter = WriteHealthAsync,
            // Ready means ready: MassTransit reports Degraded while receive endpoints are still binding their queues,
            // and a message published to an unbound exchange is lost, so Degraded is not ready.
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });
        app.MapHealthChecks(HealthEndpoints.Liveness, new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Live), ResponseWriter = WriteHealthAsync });
        return app;
    }

    private static void ConfigureLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);

        // Structured JSON by default; Development gets single lines. Configuration wins (the AppHost asks for single lines).
        if (builder.Configuration["Logging:Console:FormatterName"] is { Length: > 0 })
        {
            return;
        }

        if (builder.Environment.IsDevelopment())
        {
            builder.Logging.AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.IncludeScopes = true;
                options.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(options =>
            {
                options.IncludeScopes = true;
                options.TimestampFormat = "O";
                options.UseUtcTimestamp = true;
            });
        }
    }

    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body), context.RequestAborted);
    }
}
