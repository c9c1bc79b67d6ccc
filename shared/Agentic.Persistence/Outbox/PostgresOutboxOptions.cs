namespace Agentic.Persistence.Outbox;

/// <summary>The transactional inbox/outbox (<c>Outbox</c> section): relay timing and how long consumed messages are remembered.</summary>
public sealed class PostgresOutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>How often the relay looks for messages a crash left in the outbox.</summary>
    public TimeSpan RelayInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The relay leaves a handled message's outbox to its own handler for this long (it delivers right after its commit);
    /// older undelivered rows are the ones a crash or a broker outage left behind.
    /// </summary>
    public TimeSpan RelayMinAge { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between relay attempts for one message whose delivery keeps failing (doubling from <see cref="RelayInterval"/>).</summary>
    public TimeSpan RelayMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a consumed message's inbox row is kept, so that a redelivery within this time is recognised and not run again.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Messages sent from the outbox per handler pass (each pass is one transaction).</summary>
    public int MessageDeliveryLimit { get; set; } = 100;

    /// <summary>How long one outbox message may take to reach the broker.</summary>
    public TimeSpan MessageDeliveryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// TEST ONLY (the <c>chaos</c> benchmark): the process kills itself (SIGKILL) right after the Nth handled message
    /// whose outbox rows were committed, before they reach the broker. 0, the default, never.
    /// </summary>
    public int CrashAfterCommittedOutboxes { get; set; }

    /// <summary>TEST ONLY: with <see cref="CrashAfterCommittedOutboxes"/>, count only this consumer's or saga's messages (its type's name, with or without namespace, e.g. <c>FixWorkflowState</c>).</summary>
    public string? CrashConsumerType { get; set; }

    /// <summary>
    /// TEST ONLY: with <see cref="CrashAfterCommittedOutboxes"/>, a file created just before the crash; while it exists
    /// the process does not crash again (so the restarted process runs on).
    /// </summary>
    public string? CrashOnceMarker { get; set; }
}
