using System.Text.Json;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>Tolerant reads from webhook payloads: providers add, drop and null fields; missing required ones raise <see cref="WebhookPayloadException"/>.</summary>
internal static class JsonElementExtensions
{
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

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

    public static string? OptionalString(this JsonElement element, params string[] path)
    {
        if (element.Node(path) is not { ValueKind: JsonValueKind.String } value)
        {
            return null;
        }

        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or a lone surrogate escape (bodies are cleaned before parsing; a stored body may predate that).
            throw new WebhookPayloadException($"'{string.Join('.', path)}' is not valid text");
        }
    }

    public static long? OptionalInt64(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Number } value && value.TryGetInt64(out var number) ? number : null;

    public static bool OptionalBool(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.True };

    public static string RequiredString(this JsonElement element, params string[] path) =>
        element.OptionalString(path) ?? throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not a string");

    public static long RequiredInt64(this JsonElement element, params string[] path) =>
        element.OptionalInt64(path) ?? throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not a number");

    /// <summary>A GitHub id: a positive 64-bit number.</summary>
    public static long RequiredId(this JsonElement element, params string[] path) =>
        element.RequiredInt64(path) is > 0 and var id ? id : throw new WebhookPayloadException($"'{string.Join('.', path)}' is not a positive id");

    /// <summary>An issue, pull request or attempt number: 1 to 2^31-1.</summary>
    public static int RequiredNumber(this JsonElement element, params string[] path) =>
        element.RequiredInt64(path) is >= 1 and <= int.MaxValue and var number
            ? (int)number
            : throw new WebhookPayloadException($"'{string.Join('.', path)}' is not a number between 1 and {int.MaxValue}");

    public static int? OptionalNumber(this JsonElement element, params string[] path) =>
        element.Node(path) is null ? null : element.RequiredNumber(path);

    /// <summary>A required string of at most <paramref name="maxLength"/> characters (an empty one counts as missing).</summary>
    public static string RequiredText(this JsonElement element, int maxLength, params string[] path) =>
        element.OptionalText(maxLength, path) is { Length: > 0 } text
            ? text
            : throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing, empty or not a string");

    public static string? OptionalText(this JsonElement element, int maxLength, params string[] path) =>
        element.OptionalString(path) is { } text && text.Length > maxLength
            ? throw new WebhookPayloadException($"'{string.Join('.', path)}' is longer than {maxLength} characters")
            : element.OptionalString(path);

    /// <summary>A commit SHA: 40 (SHA-1) or 64 (SHA-256) hexadecimal digits.</summary>
    public static string RequiredSha(this JsonElement element, params string[] path) =>
        element.OptionalSha(path) ?? throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not a string");

    public static string? OptionalSha(this JsonElement element, params string[] path) =>
        element.OptionalString(path) switch
        {
            null => null,
            { Length: 40 or 64 } sha when sha.AsSpan().IndexOfAnyExcept(HexDigits) < 0 => sha,
            _ => throw new WebhookPayloadException($"'{string.Join('.', path)}' is not a commit SHA (40 or 64 hexadecimal digits)"),
        };

    /// <summary>An object the event needs (<c>check_run</c>, <c>pull_request</c> ...).</summary>
    public static JsonElement RequiredObject(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Object } value
            ? value
            : throw new WebhookPayloadException($"'{string.Join('.', path)}' is missing or not an object");

    /// <summary>Reads inside the object at <paramref name="prefix"/>: a missing or mistyped field is named with its whole path.</summary>
    public static T Scoped<T>(string prefix, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (WebhookPayloadException ex) when (ex.Message.StartsWith('\''))
        {
            throw new WebhookPayloadException($"'{prefix}.{ex.Message[1..]}");
        }
    }

    public static DateTimeOffset? OptionalTime(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.String } value && value.TryGetDateTimeOffset(out var time) ? time : null;

    public static IEnumerable<JsonElement> Array(this JsonElement element, params string[] path) =>
        element.Node(path) is { ValueKind: JsonValueKind.Array } value ? value.EnumerateArray() : [];
}

/// <summary>A payload lacks a field Agentic needs or has it in the wrong shape: recorded as malformed, answered with 400 naming the field.</summary>
public sealed class WebhookPayloadException(string message) : Exception(message);

/// <summary>
/// What a normaliser made of a delivery: the event to publish, or why there is none (recorded as ignored with that
/// reason). <see cref="Refused"/>: someone addressed the agent and it will not act (a command hidden in a quote or code,
/// an author without the permission the command needs), which the gateway logs and answers with the reason.
/// </summary>
public readonly record struct Normalized(object? Message, string? IgnoredReason, bool Refused)
{
    public static Normalized Publish(object message) => new(message, null, false);

    public static Normalized Ignore(string reason) => new(null, reason, false);

    public static Normalized Refuse(string reason) => new(null, reason, true);

    /// <summary>No command found: <see cref="Refuse"/> when the agent was addressed where it does not count.</summary>
    public static Normalized NoCommand(CommandSearch search) =>
        search.Addressed ? Refuse(search.Reason ?? "command not acted on") : Ignore(search.Reason ?? "no command");
}
