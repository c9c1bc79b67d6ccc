using Agentic.CommandDispatcher.Consumers;
using MassTransit;

namespace Agentic.CommandDispatcher.Tests.Consumers;

/// <summary><see cref="DispatchCommandConsumer.ExecutionId"/>: a redelivered request dispatches the same execution, a new attempt a new one.</summary>
public sealed class ExecutionIdTests
{
    [Test]
    public void Should_derive_a_distinct_execution_id_per_attempt_and_never_the_workflow_id()
    {
        var workflow = NewId.NextGuid();

        var ids = Enumerable.Range(1, 300).Select(attempt => DispatchCommandConsumer.ExecutionId(workflow, attempt)).ToList();

        Assert.That(ids, Is.Unique);
        Assert.That(ids, Has.None.EqualTo(workflow));
        Assert.That(DispatchCommandConsumer.ExecutionId(workflow, 1), Is.EqualTo(ids[0]), "the same attempt gets the same id");
        Assert.That(DispatchCommandConsumer.ExecutionId(NewId.NextGuid(), 1), Is.Not.EqualTo(DispatchCommandConsumer.ExecutionId(workflow, 1)));
    }
}
