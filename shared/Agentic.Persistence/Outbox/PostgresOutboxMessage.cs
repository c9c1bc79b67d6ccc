using MassTransit;
using MassTransit.Metadata;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace Agentic.Persistence.Outbox;

/// <summary>One row of <c>outbox_messages</c>: a message as serialised when it was sent, redelivered as is (same MessageId).</summary>
public sealed class PostgresOutboxMessage : OutboxMessageContext
{
    private Headers? _headers;
    private IReadOnlyDictionary<string, object>? _properties;

    public long SequenceNumber { get; init; }

    public Guid MessageId { get; init; }

    public Guid InboxMessageId { get; init; }

    public Guid InboxConsumerId { get; init; }

    public string? DestinationAddress { get; init; }

    public string? SourceAddress { get; init; }

    public string? ResponseAddress { get; init; }

    public string? FaultAddress { get; init; }

    public Guid? ConversationId { get; init; }

    public Guid? CorrelationId { get; init; }

    public Guid? InitiatorId { get; init; }

    public Guid? RequestId { get; init; }

    public required string ContentType { get; init; }

    public required string MessageType { get; init; }

    public required string Body { get; init; }

    public string? HeadersJson { get; init; }

    public string? PropertiesJson { get; init; }

    public DateTime SentTime { get; init; }

    public DateTime? EnqueueTime { get; init; }

    public DateTime? ExpirationTime { get; init; }

    Guid? MessageContext.MessageId => MessageId;

    Guid? MessageContext.RequestId => RequestId;

    Guid? MessageContext.CorrelationId => CorrelationId;

    Guid? MessageContext.ConversationId => ConversationId;

    Guid? MessageContext.InitiatorId => InitiatorId;

    DateTime? MessageContext.ExpirationTime => ExpirationTime;

    Uri? MessageContext.SourceAddress => ToUri(SourceAddress);

    Uri? MessageContext.DestinationAddress => ToUri(DestinationAddress);

    Uri? MessageContext.ResponseAddress => ToUri(ResponseAddress);

    Uri? MessageContext.FaultAddress => ToUri(FaultAddress);

    DateTime? MessageContext.SentTime => SentTime;

    Headers MessageContext.Headers => _headers ?? EmptyHeaders.Instance;

    HostInfo MessageContext.Host => HostMetadataCache.Host;

    IReadOnlyDictionary<string, object> OutboxMessageContext.Properties => _properties ?? EmptyProperties;

    private static readonly IReadOnlyDictionary<string, object> EmptyProperties = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the stored headers and transport properties back (before the message is sent).</summary>
    public void Deserialize(IObjectDeserializer deserializer)
    {
        ArgumentNullException.ThrowIfNull(deserializer);
        var headers = string.IsNullOrWhiteSpace(HeadersJson) ? null : deserializer.DeserializeObject<Dictionary<string, object?>>(HeadersJson);
        _headers = headers is { Count: > 0 } ? new DictionarySendHeaders(headers!) : EmptyHeaders.Instance;
        var properties = string.IsNullOrWhiteSpace(PropertiesJson) ? null : deserializer.DeserializeObject<Dictionary<string, object>>(PropertiesJson);
        _properties = properties ?? EmptyProperties;
    }

    /// <summary>This message as its row holds it once written (sequence numbers are the database's).</summary>
    internal PostgresOutboxMessage WithSequenceNumber(long sequenceNumber) => new()
    {
        SequenceNumber = sequenceNumber,
        MessageId = MessageId,
        InboxMessageId = InboxMessageId,
        InboxConsumerId = InboxConsumerId,
        DestinationAddress = DestinationAddress,
        SourceAddress = SourceAddress,
        ResponseAddress = ResponseAddress,
        FaultAddress = FaultAddress,
        ConversationId = ConversationId,
        CorrelationId = CorrelationId,
        InitiatorId = InitiatorId,
        RequestId = RequestId,
        ContentType = ContentType,
        MessageType = MessageType,
        Body = Body,
        HeadersJson = HeadersJson,
        PropertiesJson = PropertiesJson,
        SentTime = SentTime,
        EnqueueTime = EnqueueTime,
        ExpirationTime = ExpirationTime,
    };

    private static Uri? ToUri(string? value) => value is null ? null : new Uri(value);
}
