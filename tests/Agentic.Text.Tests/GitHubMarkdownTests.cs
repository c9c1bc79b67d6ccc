using System.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Agentic.Text.Tests;

public sealed class GitHubMarkdownTests
{
    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private static readonly string[] HostileLines =
    [
        "![x](http://evil/t.png)",
        "[click](http://phish) and <http://phish> and https://phish.example/a?b=c",
        "www.evil.example mailto:a@b.example xmpp:a@b.example someone@evil.example",
        "@org/team @octocat fixes #12 owner/repo#3 GH-4",
        "<img src=x onerror=alert(1)> <!-- hides the rest </details> &lt;b&gt; &amp;",
        "format` [click me](http://x) <!--",
        "``` not a fence ~~~",
        "# heading",
        "> quote",
        "- item",
        "1. item",
        "+ item",
        "=====",
        "*emphasis* _emphasis_ **strong** ~~struck~~ | a | b |",
        "snake_case_name stays \\ backslash",
        "[^1] [ref]: http://phish",
    ];

    [TestCaseSource(nameof(HostileLines))]
    public void Should_show_a_hostile_line_verbatim_with_no_link_image_html_code_or_block(string line)
    {
        foreach (var markdown in new[] { GitHubMarkdown.Inline(line), "- Root cause: " + GitHubMarkdown.Inline(line) })
        {
            var document = Markdown.Parse(markdown, Gfm);
            var leaf = document.Descendants<ParagraphBlock>().Single();
            Assert.Multiple(() =>
            {
                Assert.That(document.Descendants<LinkInline>(), Is.Empty);
                Assert.That(document.Descendants<AutolinkInline>(), Is.Empty);
                Assert.That(document.Descendants<HtmlInline>(), Is.Empty);
                Assert.That(document.Descendants<HtmlBlock>(), Is.Empty);
                Assert.That(document.Descendants<CodeInline>(), Is.Empty);
                Assert.That(document.Descendants<EmphasisInline>(), Is.Empty);
                Assert.That(document.Descendants<HeadingBlock>(), Is.Empty);
                Assert.That(document.Descendants<QuoteBlock>(), Is.Empty);
                Assert.That(document.Descendants<ListBlock>().Count(), Is.EqualTo(markdown.StartsWith('-') ? 1 : 0));
                Assert.That(Visible(leaf), Does.EndWith(line), "the text is shown as it was");
                Assert.That(System.Text.RegularExpressions.Regex.IsMatch(Text(leaf), @"@[A-Za-z0-9]|#[0-9]|GH-[0-9]|://|www\.|mailto:|xmpp:", System.Text.RegularExpressions.RegexOptions.IgnoreCase), Is.False,
                    "what GitHub links or notifies by itself is broken");
            });
        }
    }

    [Test]
    public void Should_keep_lines_as_paragraph_text_when_each_line_tries_to_start_a_block()
    {
        var markdown = GitHubMarkdown.Lines(string.Join('\n', HostileLines), 10_000);

        var document = Markdown.Parse(markdown, Gfm);
        Assert.Multiple(() =>
        {
            Assert.That(document.Select(b => b.GetType()).Distinct(), Is.EqualTo(new[] { typeof(ParagraphBlock) }));
            Assert.That(document.Descendants<LinkInline>().Concat<Inline>(document.Descendants<AutolinkInline>()).Concat(document.Descendants<HtmlInline>()), Is.Empty);
            Assert.That(document.Descendants<LineBreakInline>().Count(l => l.IsHard), Is.EqualTo(HostileLines.Length - 1));
        });
    }

    [TestCase("plain")]
    [TestCase("```\nnot the end\n```")]
    [TestCase("````` and ~~~~~~ and `")]
    [TestCase("<!-- <img src=x> [a](http://b) @org/team\n-----BEGIN")]
    public void Should_fence_content_so_that_nothing_inside_closes_the_block(string content)
    {
        var markdown = GitHubMarkdown.CodeBlock(content, 10_000) + "\nafter";

        var document = Markdown.Parse(markdown, Gfm);
        var fenced = document.Descendants<FencedCodeBlock>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(fenced.Lines.ToString(), Is.EqualTo(content));
            Assert.That(document.LastChild, Is.InstanceOf<ParagraphBlock>(), "what follows the block is still there");
        });
    }

    [Test]
    public void Should_keep_the_end_of_an_output_tail_when_it_is_too_long()
    {
        var block = GitHubMarkdown.CodeBlock(new string('a', 5000) + "the end", 100, keepEnd: true);

        Assert.That(block, Does.Contain(TextLimits.Truncated + new string('a', 100 - TextLimits.Truncated.Length - 7) + "the end\n"));
    }

    [Test]
    public void Should_break_mentions_references_and_urls_but_nothing_else_in_plain_text()
    {
        const string text = "fix @org/team, fixes #12 and GH-4: see http://x.example, www.y.example, mailto:a@b.example; a_b #x";

        var broken = GitHubMarkdown.BreakReferences(text);
        Assert.Multiple(() =>
        {
            Assert.That(broken.Replace(GitHubMarkdown.ZeroWidthJoiner.ToString(), string.Empty, StringComparison.Ordinal), Is.EqualTo(text));
            Assert.That(System.Text.RegularExpressions.Regex.IsMatch(broken, @"@[a-z]|#[0-9]|GH-|://|www\.|mailto:"), Is.False);
        });
    }

    private static string Visible(LeafBlock leaf) => Text(leaf).Replace(GitHubMarkdown.ZeroWidthJoiner.ToString(), string.Empty, StringComparison.Ordinal);

    private static string Text(LeafBlock leaf)
    {
        var text = new StringBuilder();
        foreach (var inline in leaf.Inline!.Descendants<Inline>())
        {
            text.Append(inline switch
            {
                LiteralInline literal => literal.Content.ToString(),
                HtmlEntityInline entity => entity.Transcoded.ToString(),
                _ => string.Empty,
            });
        }

        return text.ToString();
    }
}
