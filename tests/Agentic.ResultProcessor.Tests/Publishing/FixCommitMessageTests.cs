using Agentic.ResultProcessor.Publishing;
using Agentic.Text;

namespace Agentic.ResultProcessor.Tests.Publishing;

public sealed class FixCommitMessageTests
{
    [TestCase("agentic: fix lint")]
    [TestCase("agentic: fix format` [click me](http://x) <!-- and a name long enough to be cut somewhere around here\n\n@org/team fixes #12 www.x.example mailto:a@b.example")]
    [TestCase("\n\n  \u001b[2J\n")]
    public void Should_change_nothing_when_a_sanitized_message_is_sanitized_again(string message)
    {
        var once = FixCommitMessage.Sanitize(message, SecretScrubber.ShapesOnly);

        Assert.Multiple(() =>
        {
            Assert.That(FixCommitMessage.Sanitize(once, SecretScrubber.ShapesOnly), Is.EqualTo(once));
            Assert.That(FixCommitMessage.Subject(once), Has.Length.InRange(1, FixCommitMessage.MaxSubjectLength));
        });
    }
}
