using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agentic.ServiceDefaults.Telemetry;

public static class OpenTelemetryExtensions
{
    /// <summary>MassTransit's <c>ActivitySource</c> and <c>Meter</c> (<c>MassTransit.Logging.DiagnosticHeaders.DefaultListenerName</c>).</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>
    /// As in Aspire's service-defaults template: <see cref="OpenTelemetryServicesExtensions.AddOpenTelemetry"/> with
    /// tracing (ASP.NET Core without the health probes, HttpClient, MassTransit, Npgsql, <see cref="AgenticTelemetry"/>),
    /// metrics (the same plus the runtime's) and logging, always on, so every log line and every message carries the
    /// workflow's trace; exported over OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads
    /// the standard <c>OTEL_EXPORTER_OTLP_*</c> variables). The service name comes from <c>OTEL_SERVICE_NAME</c>,
    /// else the application name.
    /// </summary>
    public static IHostApplicationBuilder AddAgenticOpenTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter(MassTransitSource, AgenticTelemetry.Name))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource(MassTransitSource, AgenticTelemetry.Name));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    // The orchestrator and the tests poll these every few hundred milliseconds: spans of no interest.
    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthEndpoints.Readiness, StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments(HealthEndpoints.Liveness, StringComparison.OrdinalIgnoreCase);
}
