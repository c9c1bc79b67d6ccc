using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Agentic.ServiceDefaults.Telemetry;

/// <summary>The <c>Agentic</c> activity source and meter our own code reports through.</summary>
public static class AgenticTelemetry
{
    public const string Name = "Agentic";

    public static ActivitySource ActivitySource { get; } = new(Name);

    public static Meter Meter { get; } = new(Name);
}
