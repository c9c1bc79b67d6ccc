using Agentic.CommandDispatcher.Library;
using Agentic.Contracts.Common;

namespace Agentic.CommandDispatcher.Tests.Library;

public sealed class CommandLibraryTests
{
    [Test]
    public void Should_choose_format_when_the_failure_is_format_or_lint()
    {
        Assert.That(CommandLibrary.DeterministicFor(FailureCategory.FormatOrLint), Is.EqualTo("format"));
    }

    [TestCase(FailureCategory.Unknown)]
    [TestCase(FailureCategory.Compile)]
    [TestCase(FailureCategory.Test)]
    [TestCase(FailureCategory.Dependency)]
    [TestCase(FailureCategory.Infrastructure)]
    [TestCase(FailureCategory.Flaky)]
    public void Should_have_no_deterministic_command_when_the_failure_needs_more_than_a_formatter(FailureCategory category)
    {
        Assert.That(CommandLibrary.DeterministicFor(category), Is.Null);
    }

    [Test]
    public void Should_hold_exactly_the_commands_the_executor_knows()
    {
        Assert.That(CommandLibrary.Commands, Is.EquivalentTo(new[] { "format", "apply-diff" }));
    }

    [TestCase("FORMAT")]
    [TestCase("apply_diff")]
    [TestCase("format ")]
    [TestCase("sh")]
    public void Should_not_know_a_command_when_its_name_is_not_exactly_a_library_name(string name)
    {
        Assert.That(CommandLibrary.Commands, Does.Not.Contain(name));
    }

    [Test]
    public void Should_contain_every_deterministic_choice()
    {
        var chosen = Enum.GetValues<FailureCategory>().Select(CommandLibrary.DeterministicFor).OfType<string>();

        Assert.That(chosen, Is.SubsetOf(CommandLibrary.Commands));
    }
}
