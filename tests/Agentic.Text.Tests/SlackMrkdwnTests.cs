namespace Agentic.Text.Tests;

public sealed class SlackMrkdwnTests
{
    private const string Hostile = "<!channel> <!here> <@U12345> <#C123> <http://phish|click here> http://bare.example www.evil.example @channel ``` & done";

    [Test]
    public void Should_leave_no_link_mention_or_broadcast_when_the_text_is_hostile()
    {
        var inline = SlackMrkdwn.Inline(Hostile);
        var block = SlackMrkdwn.CodeBlock(Hostile + "\n```\nout", 1000);

        Assert.Multiple(() =>
        {
            foreach (var text in new[] { inline, block })
            {
                Assert.That(text, Does.Not.Contain("<").And.Not.Contain(">"));
                Assert.That(text, Does.Not.Contain("://").And.Not.Contain("www.").And.Not.Contain("@c"));
                Assert.That(text.Replace("\u200D", string.Empty, StringComparison.Ordinal), Does.Contain("&lt;!channel&gt;").And.Contain("&amp; done"), "shown as text");
            }

            Assert.That(inline, Does.Not.Contain("```"));
            Assert.That(block, Does.StartWith("```\n").And.EndWith("\nout\n```"));
            Assert.That(block.Split("```"), Has.Length.EqualTo(3), "only the block's own fences");
        });
    }
}

public sealed class TextLimitsTests
{
    [Test]
    public void Should_never_split_a_character_when_capping()
    {
        var text = new string('a', 9) + "😀" + "tail";

        Assert.Multiple(() =>
        {
            Assert.That(TextLimits.Cap(text, 10, "…"), Is.EqualTo(new string('a', 9) + "…"));
            Assert.That(TextLimits.Cap(text, 11, "…"), Is.EqualTo(new string('a', 9) + "…"));
            Assert.That(TextLimits.CapStart("😀" + new string('b', 9), 10, "…"), Is.EqualTo("…" + new string('b', 9)));
            Assert.That(TextLimits.Cap(text, 100), Is.SameAs(text));
        });
    }
}
