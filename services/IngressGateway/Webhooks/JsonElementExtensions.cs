using System.Text.Json;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>Tolerant reads from webhook payloads: providers add, drop and null fields; missing required ones raise <see cref="WebhookPayloadException"/>.</summary>
internal static class JsonElementExtensions
{
    public static JsonElement? Node(this JsonElement element, params string[] path)
    {
        var current = element;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current) || current.ValueKind == JsonValueKind.Null)
            {
                return null;
            }
        }

        return current;
    }

    public static string? OptionalString(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public static long? OptionalInt64(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public static bool OptionalBool(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.True };

    public static string RequiredString(this JsonElement element, params string[] path) =>
        element.OptionalString(path) ?? throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not a string");

    public static long RequiredInt64(this JsonElement element, params string[] path) =>
        element.OptionalInt64(path) ?? throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not a number");

    public static DateTimeOffset? OptionalTime(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.String } value && value.TryGetDateTimeOffset(out var time) ? time : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray() : [];
}

/// <summary>A payload lacks a field Agentic needs: answered with 400 naming the field.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);
