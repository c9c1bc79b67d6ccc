using System.Collections.Concurrent;
using System.IO.Compression;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.StandIns.Otlp;

/// <summary>One span as a service exported it: its resource's <c>service.name</c>, ids in lower-case hex, and its string, bool and integer attributes.</summary>
public sealed record OtlpSpan(
    string ServiceName, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes)
{
    public const int ServerKind = 2;
    public const int ConsumerKind = 5;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;
}

/// <summary>One log record as a service exported it; <see cref="TraceId"/> is null for a line written outside any trace.</summary>
public sealed record OtlpLogRecord(string ServiceName, string? TraceId, string? Body);

/// <summary>
/// An OTLP/HTTP receiver on loopback, as an OpenTelemetry collector or the Aspire dashboard would be:
/// <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c> with protobuf bodies (the .NET exporter's
/// <c>http/protobuf</c>). Spans and log records are decoded and kept; metrics are accepted and dropped. The decoding
/// reads the fields of opentelemetry-proto's messages it needs by number, with Google.Protobuf's wire reader.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<OtlpLogRecord> _logs = new();
    private WebApplication? _app;

    /// <summary>The base URL to set as <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, e.g. <c>http://127.0.0.1:PORT</c>.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyList<OtlpLogRecord> Logs => [.. _logs];

    /// <summary>Requests that could not be decoded (each a reason); a test expects none.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/v1/traces", context => ReceiveAsync(context, ReadTraces));
        _app.MapPost("/v1/logs", context => ReceiveAsync(context, ReadLogs));
        _app.MapPost("/v1/metrics", context => ReceiveAsync(context, _ => { }));
        await _app.StartAsync(cancellationToken);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Endpoint = new Uri(address.TrimEnd('/'));
        return Endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task ReceiveAsync(HttpContext context, Action<byte[]> read)
    {
        using var buffer = new MemoryStream();
        var body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        await body.CopyToAsync(buffer, context.RequestAborted);
        if (!context.Request.ContentType?.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase) ?? true)
        {
            Problems.Enqueue($"{context.Request.Path}: content type {context.Request.ContentType}");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        try
        {
            read(buffer.ToArray());
        }
        catch (InvalidProtocolBufferException ex)
        {
            Problems.Enqueue($"{context.Request.Path}: {ex.Message}");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // An empty Export*ServiceResponse: full success.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }  ScopeSpans { repeated Span spans = 2; }
    // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6; repeated KeyValue attributes = 9; }
    private void ReadTraces(byte[] request)
    {
        foreach (var resourceSpans in Messages(request, 1))
        {
            var service = ServiceName(resourceSpans);
            foreach (var scopeSpans in Messages(resourceSpans, 2))
            {
                foreach (var span in Messages(scopeSpans, 2))
                {
                    string traceId = "", spanId = "", name = "";
                    string? parent = null;
                    var kind = 0;
                    var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    var input = new CodedInputStream(span);
                    uint tag;
                    while ((tag = input.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(tag))
                        {
                            case 1: traceId = Hex(input.ReadBytes()); break;
                            case 2: spanId = Hex(input.ReadBytes()); break;
                            case 4: parent = input.ReadBytes() is { Length: > 0 } p ? Hex(p) : null; break;
                            case 5: name = input.ReadString(); break;
                            case 6: kind = input.ReadEnum(); break;
                            case 9: AddAttribute(attributes, input.ReadBytes().ToByteArray()); break;
                            default: input.SkipLastField(); break;
                        }
                    }

                    _spans.Enqueue(new OtlpSpan(service, traceId, spanId, parent, name, kind, attributes));
                }
            }
        }
    }

    // ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }  ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
    // ScopeLogs { repeated LogRecord log_records = 2; }  LogRecord { AnyValue body = 5; bytes trace_id = 9; }
    private void ReadLogs(byte[] request)
    {
        foreach (var resourceLogs in Messages(request, 1))
        {
            var service = ServiceName(resourceLogs);
            foreach (var scopeLogs in Messages(resourceLogs, 2))
            {
                foreach (var record in Messages(scopeLogs, 2))
                {
                    string? traceId = null, body = null;
                    var input = new CodedInputStream(record);
                    uint tag;
                    while ((tag = input.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(tag))
                        {
                            case 5: body = AnyValue(input.ReadBytes().ToByteArray()); break;
                            case 9: traceId = input.ReadBytes() is { Length: > 0 } t ? Hex(t) : null; break;
                            default: input.SkipLastField(); break;
                        }
                    }

                    _logs.Enqueue(new OtlpLogRecord(service, traceId, body));
                }
            }
        }
    }

    // Resource { repeated KeyValue attributes = 1; }: the service.name attribute.
    private static string ServiceName(byte[] resourceHolder)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in Messages(resourceHolder, 1))
        {
            foreach (var keyValue in Messages(resource, 1))
            {
                AddAttribute(attributes, keyValue);
            }
        }

        return attributes.TryGetValue("service.name", out var name) ? name : "";
    }

    // KeyValue { string key = 1; AnyValue value = 2; }
    private static void AddAttribute(Dictionary<string, string> attributes, byte[] keyValue)
    {
        string? key = null, value = null;
        var input = new CodedInputStream(keyValue);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: key = input.ReadString(); break;
                case 2: value = AnyValue(input.ReadBytes().ToByteArray()); break;
                default: input.SkipLastField(); break;
            }
        }

        if (key is not null && value is not null)
        {
            attributes[key] = value;
        }
    }

    // AnyValue { oneof { string string_value = 1; bool bool_value = 2; int64 int_value = 3; ... } }: the scalar kinds as text.
    private static string? AnyValue(byte[] anyValue)
    {
        var input = new CodedInputStream(anyValue);
        uint tag;
        string? value = null;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: value = input.ReadString(); break;
                case 2: value = input.ReadBool() ? "true" : "false"; break;
                case 3: value = input.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                default: input.SkipLastField(); break;
            }
        }

        return value;
    }

    /// <summary>The embedded messages of one field number of a message.</summary>
    private static List<byte[]> Messages(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return found;
    }

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
