using FluentValidation;

namespace Agentic.IngressGateway.Options;

/// <summary>Durable acceptance: how deliveries are written, published and relayed.</summary>
public sealed class InboxOptions
{
    public const string SectionName = "Inbox";

    /// <summary>The name people address the agent by: <c>/agentic fix</c>, <c>@agentic review</c>.</summary>
    public string AgentName { get; set; } = "agentic";

    /// <summary>Largest body accepted (GitHub caps payloads at 25 MB); larger ones get 413.</summary>
    public long MaxBodyBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Most deliveries written in one transaction (group commit).</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>
    /// How long a request waits for its delivery's commit (queueing in the group commit included) before answering 503
    /// with Retry-After; a batch still running at this deadline is cancelled.
    /// </summary>
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a request waits for the broker's confirm, after the commit, before answering 202 queued; the publish
    /// goes on and the relay publishes what did not make it. With <see cref="CommitTimeout"/> it bounds every answer
    /// (4.5 s by default: GitHub waits 10 s).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How often the relay looks for accepted deliveries whose event is not on the bus.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The relay leaves younger deliveries to the request that accepted them.</summary>
    public TimeSpan RelayMinAge { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Deliveries per second per source before 429 with Retry-After.</summary>
    public int PermitsPerSecond { get; set; } = 20_000;

    /// <summary>Bearer key for the operator endpoints (<c>/api/deliveries</c>); empty disables them.</summary>
    public string OperatorApiKey { get; set; } = string.Empty;
}

public sealed class InboxOptionsValidator : AbstractValidator<InboxOptions>
{
    public InboxOptionsValidator()
    {
        RuleFor(o => o.AgentName).Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$");
        RuleFor(o => o.MaxBodyBytes).InclusiveBetween(1024, 100L * 1024 * 1024);
        RuleFor(o => o.MaxBatchSize).InclusiveBetween(1, 10_000);
        RuleFor(o => o.CommitTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(8));
        RuleFor(o => o.PublishTimeout).InclusiveBetween(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(8));
        RuleFor(o => o.CommitTimeout + o.PublishTimeout).LessThanOrEqualTo(TimeSpan.FromSeconds(9))
            .WithMessage("CommitTimeout and PublishTimeout together must stay under GitHub's 10-second wait");
        RuleFor(o => o.RelayInterval).GreaterThan(TimeSpan.Zero);
        RuleFor(o => o.RelayMinAge).GreaterThanOrEqualTo(TimeSpan.Zero);
        RuleFor(o => o.PermitsPerSecond).InclusiveBetween(1, 1_000_000);
        RuleFor(o => o.OperatorApiKey).Must(k => k.Length == 0 || k.Length >= 24).WithMessage("the operator API key must be at least 24 characters");
    }
}
