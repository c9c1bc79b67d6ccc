using FluentValidation;

namespace Agentic.ServiceDefaults.Messaging;

/// <summary>Bus settings every service shares; per-endpoint concurrency can be overridden by endpoint name.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Messaging";

    /// <summary>Messages RabbitMQ delivers ahead of acknowledgement, per endpoint.</summary>
    public int PrefetchCount { get; set; } = 16;

    /// <summary>Messages handled at once per endpoint, unless <see cref="Endpoints"/> says otherwise.</summary>
    public int ConcurrentMessageLimit { get; set; } = 8;

    /// <summary>Immediate in-process retries (exponential backoff) before a message goes to its <c>_error</c> queue.</summary>
    public int RetryLimit { get; set; } = 5;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// MassTransit's anonymous usage report to its vendor (on by default in MassTransit 8.4+): off unless set, since a
    /// self-hosted system must not call out to the internet on its own.
    /// </summary>
    public bool UsageTelemetry { get; set; }

    /// <summary>Per-endpoint overrides, keyed by kebab-case endpoint name (e.g. <c>Messaging:Endpoints:execute-command:ConcurrentMessageLimit</c>).</summary>
    public Dictionary<string, EndpointOptions> Endpoints { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public sealed class EndpointOptions
    {
        public int? ConcurrentMessageLimit { get; set; }

        public int? PrefetchCount { get; set; }
    }
}

public sealed class MessagingOptionsValidator : AbstractValidator<MessagingOptions>
{
    public MessagingOptionsValidator()
    {
        RuleFor(o => o.PrefetchCount).InclusiveBetween(1, 10_000);
        RuleFor(o => o.ConcurrentMessageLimit).InclusiveBetween(1, 1_000);
        RuleFor(o => o.RetryLimit).InclusiveBetween(0, 50);
        RuleFor(o => o.RetryMinInterval).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.RetryMaxInterval).GreaterThanOrEqualTo(o => o.RetryMinInterval);
        RuleForEach(o => o.Endpoints).ChildRules(endpoint =>
        {
            endpoint.RuleFor(e => e.Value.ConcurrentMessageLimit).InclusiveBetween(1, 1_000).When(e => e.Value.ConcurrentMessageLimit is not null);
            endpoint.RuleFor(e => e.Value.PrefetchCount).InclusiveBetween(1, 10_000).When(e => e.Value.PrefetchCount is not null);
        });
    }
}
