namespace Agentic.Persistence.Outbox;

/// <summary>
/// TEST ONLY: a hook run right after a handled message's outbox rows commit and before they are delivered, so a test
/// can stop a host at exactly that point (e.g. throw, with retries off, to leave the rows for another host's relay).
/// Nothing in the services sets it.
/// </summary>
public sealed class PostgresOutboxFaults
{
    /// <summary>Called with the consumed message's id and its consumer's type.</summary>
    public Func<Guid, string, Task>? AfterConsumeCommitted { get; set; }
}
