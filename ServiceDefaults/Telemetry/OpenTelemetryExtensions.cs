using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Agentic.ServiceDefaults.Telemetry;

public static class OpenTelemetryExtensions
{
    private static readonly string[] ActivitySources = ["Microsoft.AspNetCore", "System.Net.Http", "MassTransit", "Npgsql", AgenticTelemetry.Name];

    private static readonly string[] Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "MassTransit", "Npgsql", AgenticTelemetry.Name,
    ];

    /// <summary>
    /// Traces, metrics and logs over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the
    /// standard OTEL_* variables itself); the service name comes from <c>OTEL_SERVICE_NAME</c>, else the application name.
    /// Without an endpoint nothing is collected, so an unconfigured service pays nothing for it.
    /// </summary>
    public static IHostApplicationBuilder AddAgenticOpenTelemetry(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return builder;
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : builder.Environment.ApplicationName;
        void ConfigureResource(ResourceBuilder resource) => resource.AddService(serviceName);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            var resource = ResourceBuilder.CreateDefault();
            ConfigureResource(resource);
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.AddOtlpExporter();
        });

        var sdk = OpenTelemetrySdk.Create(otel => otel
            .ConfigureResource(ConfigureResource)
            .WithTracing(tracing => tracing.AddSource(ActivitySources).AddOtlpExporter())
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddOtlpExporter()));
        builder.Services.AddSingleton(sdk);
        builder.Services.AddHostedService<OpenTelemetryFlushService>();
        return builder;
    }

    /// <summary>Flushes and disposes the SDK on shutdown so the last spans and metrics are exported.</summary>
    private sealed class OpenTelemetryFlushService(OpenTelemetrySdk sdk) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            sdk.TracerProvider.ForceFlush(5000);
            sdk.MeterProvider.ForceFlush(5000);
            sdk.Dispose();
            return Task.CompletedTask;
        }
    }
}
