using System.Globalization;
using System.Text.Json;

namespace Agentic.Benchmarks;

/// <summary>
/// Where a burst's time went, from the workflows' own traces as the Aspire dashboard holds them (its telemetry API, OTLP
/// JSON): for each message type, how long a message waited between its send and its receive (broker and queue), and how
/// long its send waited for the broker's confirmation; for each endpoint, how long a receive took in all and in the
/// handler itself (the rest is the inbox/outbox work around it and, for a first use, opening a database connection).
/// </summary>
public static class WorkflowTraces
{
    /// <summary>The dashboard's traces (<c>/api/telemetry/traces</c>) as a table, counting only spans that started at or after <paramref name="since"/>.</summary>
    public static IReadOnlyList<string> Summarise(string otlpJson, DateTimeOffset since)
    {
        var spans = Parse(otlpJson).Where(span => span.Start >= since).ToList();
        var children = spans.Where(span => span.ParentId is not null).ToLookup(span => span.ParentId!);
        var figures = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        void Add(string key, TimeSpan value)
        {
            if (!figures.TryGetValue(key, out var values))
            {
                figures[key] = values = [];
            }

            values.Add(value.TotalMilliseconds);
        }

        foreach (var span in spans)
        {
            // "Agentic.Contracts.Analysis:CheckFailureAnalyzed send" → its receive is a child in the consuming service.
            if (span.Name.EndsWith(" send", StringComparison.Ordinal) && span.Name.Contains(':', StringComparison.Ordinal))
            {
                var type = span.Name[(span.Name.LastIndexOf(':') + 1)..^" send".Length];
                Add($"confirm  {type} ({span.Service})", span.End - span.Start);
                foreach (var receive in children[span.Id].Where(child => child.Name.EndsWith(" receive", StringComparison.Ordinal)))
                {
                    Add($"queue    {type} -> {receive.Service}", receive.Start - span.Start);
                }
            }
            else if (span.Name.EndsWith(" receive", StringComparison.Ordinal))
            {
                var endpoint = span.Name[..^" receive".Length];
                Add($"receive  {endpoint} ({span.Service})", span.End - span.Start);
                foreach (var process in children[span.Id].Where(child => child.Name.EndsWith(" process", StringComparison.Ordinal)))
                {
                    Add($"  handler {endpoint} ({span.Service})", process.End - process.Start);
                }
            }
            else if (span.Name.StartsWith("CONNECT ", StringComparison.Ordinal))
            {
                Add($"connect  PostgreSQL ({span.Service})", span.End - span.Start);
            }
        }

        static double P(List<double> values, double p) => Percentile.Of(values, p);
        return figures
            .Where(figure => figure.Value.Count > 0 && P(figure.Value, 0.95) >= 20)
            .OrderByDescending(figure => P(figure.Value, 0.5))
            .Take(30)
            .Select(figure => string.Create(CultureInfo.InvariantCulture,
                $"    {figure.Key,-72} n {figure.Value.Count,4}  p50 {P(figure.Value, 0.5),6:0} ms  p95 {P(figure.Value, 0.95),6:0} ms"))
            .ToList();
    }

    /// <summary>The table of a file <c>fixflow --traces</c> saved, counting every span in it.</summary>
    public static int Print(string file)
    {
        foreach (var line in Summarise(File.ReadAllText(file), DateTimeOffset.MinValue))
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    private static List<Span> Parse(string otlpJson)
    {
        using var document = JsonDocument.Parse(otlpJson);
        var spans = new List<Span>();
        foreach (var resource in document.RootElement.GetProperty("data").GetProperty("resourceSpans").EnumerateArray())
        {
            var service = resource.GetProperty("resource").GetProperty("attributes").EnumerateArray()
                .Where(attribute => attribute.GetProperty("key").GetString() == "service.name")
                .Select(attribute => attribute.GetProperty("value").GetProperty("stringValue").GetString())
                .FirstOrDefault() ?? "?";
            foreach (var scope in resource.GetProperty("scopeSpans").EnumerateArray())
            {
                foreach (var span in scope.GetProperty("spans").EnumerateArray())
                {
                    spans.Add(new Span(
                        service,
                        span.GetProperty("spanId").GetString()!,
                        span.TryGetProperty("parentSpanId", out var parent) ? parent.GetString() : null,
                        span.GetProperty("name").GetString()!,
                        FromUnixNanoseconds(span.GetProperty("startTimeUnixNano")),
                        FromUnixNanoseconds(span.GetProperty("endTimeUnixNano"))));
                }
            }
        }

        return spans;
    }

    // OTLP JSON writes the 64-bit nanosecond counts as strings.
    private static DateTimeOffset FromUnixNanoseconds(JsonElement value) =>
        DateTimeOffset.UnixEpoch.AddTicks(long.Parse(value.GetString()!, CultureInfo.InvariantCulture) / 100);

    private sealed record Span(string Service, string Id, string? ParentId, string Name, DateTimeOffset Start, DateTimeOffset End);
}
