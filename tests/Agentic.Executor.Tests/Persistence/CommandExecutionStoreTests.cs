using Agentic.Executor.Persistence;

namespace Agentic.Executor.Tests.Persistence;

public sealed class CommandExecutionStoreTests
{
    [Test]
    public void Should_give_different_lock_keys_when_execution_ids_share_their_first_eight_bytes()
    {
        // Ids made close together (NewId, sequential GUIDs) can share their first 8 bytes: the old key was those bytes.
        var first = new Guid("0123456789abcdef0000000000000001");
        var second = new Guid("0123456789abcdef0000000000000002");

        Assert.That(PostgresCommandExecutionStore.LockKey(first), Is.Not.EqualTo(PostgresCommandExecutionStore.LockKey(second)));
        Assert.That(PostgresCommandExecutionStore.LockKey(new Guid(first.ToString())), Is.EqualTo(PostgresCommandExecutionStore.LockKey(first)), "stable");
    }

    [Test]
    public void Should_spread_lock_keys_when_many_sequential_ids_are_made()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => MassTransit.NewId.NextGuid()).ToList();

        Assert.That(ids.Select(PostgresCommandExecutionStore.LockKey).Distinct().Count(), Is.EqualTo(ids.Count));
    }
}
