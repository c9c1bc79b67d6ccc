using System.Text;
using System.Text.RegularExpressions;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Dispatch;
using Agentic.Contracts.Execution;
using Agentic.Contracts.Notifications;
using Agentic.Contracts.Results;
using Agentic.Contracts.Workflows;
using Agentic.ResultProcessor.Options;
using Agentic.ResultProcessor.StateMachines;
using Agentic.Text;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.ResultProcessor.Tests.StateMachines;

/// <summary>
/// A workflow fed by an attacker: a check name that tries to break out of its code span, a root cause line and an
/// output tail full of markup, mentions and secrets (the service's own, by value, and token and key shapes). The
/// reports, the Slack text and the commit message are taken from what the state machine publishes and rendered.
/// </summary>
public sealed partial class HostileReportTests
{
    private const string HostileCheckName = "format` [click me](http://x) <!--";

    private const string WebhookSecret = "whsec-9f8e7d6c5b4a3210";
    private const string OperatorKey = "op-key-Zq81xYw3Lm";
    private const string PostgresPassword = "pg-Pa55word-77x";
    private const string BrokerPassword = "rmq-s3cret-44y";
    private const string GhsToken = "ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
    private const string AppKeyBodyLine = "MIIEowIBAAKCAQEAx3Jf5Qe0Lr8sT2vYw9ZkP4nB7cUe1aHs6GdXjK0mVtRq";
    private const string StrangerKeyBodyLine = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMw";

    private static readonly string AppPrivateKey =
        "-----BEGIN RSA PRIVATE KEY-----\n" + AppKeyBodyLine + "\nq9Lw2Xc5Vb8Nm1Kj4Hg7Fd0Sa3Pu6Oy9It2Re5Wq8Ez1Tx4Cv7Bn0Ml3Kh6Gf9\n-----END RSA PRIVATE KEY-----";

    private static readonly string HostileRootCause =
        "error: ![x](http://evil/t.png) [click](http://phish) @org/team <img src=x> <!-- ``` " + GhsToken +
        " <!channel> <@U12345> <http://phish|click> fixes #12 www.evil.example " + WebhookSecret;

    /// <summary>An output tail as a hostile build prints it: the environment of PID 1, a stranger's key, markup, a fence.</summary>
    private static readonly string HostileTail = string.Join('\n',
        "Restoring packages...",
        "GitHub__Api__App__PrivateKey=" + AppPrivateKey,
        "only part of it: " + AppKeyBodyLine,
        "GitHub__Webhooks__Secret=" + WebhookSecret,
        "Operator__Key=" + OperatorKey,
        "ConnectionStrings__Postgres=Host=db;Username=agentic;Password=" + PostgresPassword,
        "ConnectionStrings__RabbitMq=amqp://agentic:" + BrokerPassword + "@broker:5672",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        StrangerKeyBodyLine,
        "-----END OPENSSH PRIVATE KEY-----",
        "token " + GhsToken,
        "```",
        "</details><!-- # Heading [click](http://phish) ![x](http://evil/t.png) @org/team <img src=x>",
        "~~~~",
        "Build FAILED: end of tail");

    private static readonly string[] Secrets =
    [
        WebhookSecret, OperatorKey, PostgresPassword, BrokerPassword, GhsToken, AppKeyBodyLine, StrangerKeyBodyLine,
        "BEGIN RSA PRIVATE KEY", "BEGIN OPENSSH PRIVATE KEY",
    ];

    private static readonly MarkdownPipeline Gfm = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ISagaStateMachineTestHarness<FixWorkflowStateMachine, FixWorkflowState> _saga = null!;
    private SecretScrubber _scrubber = null!;

    [SetUp]
    public async Task StartHarness()
    {
        // The secrets as the services hold them: read from configuration by AddSecretScrubber.
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:App:PrivateKey"] = AppPrivateKey,
            ["GitHub:Webhooks:Secret"] = WebhookSecret,
            ["Operator:Key"] = OperatorKey,
            ["ConnectionStrings:Postgres"] = "Host=db;Username=agentic;Password=" + PostgresPassword,
            ["ConnectionStrings:RabbitMq"] = "amqp://agentic:" + BrokerPassword + "@broker:5672",
        }).Build();
        _provider = new ServiceCollection()
            .Configure<FixWorkflowOptions>(o => o.MaxAttempts = 1)
            .AddSingleton(TimeProvider.System)
            .AddSecretScrubber(configuration)
            .AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<FixWorkflowStateMachine, FixWorkflowState>())
            .BuildServiceProvider(validateScopes: true);
        _scrubber = _provider.GetRequiredService<SecretScrubber>();
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _saga = _harness.GetSagaStateMachineHarness<FixWorkflowStateMachine, FixWorkflowState>();
    }

    [TearDown]
    public async Task StopHarness()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Test]
    public async Task Should_render_a_whole_report_with_no_link_image_html_mention_or_secret_when_the_log_and_check_name_are_hostile()
    {
        var id = await EscalateAfterHostileRunAsync();
        var markdown = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id && m.Context.Message.Status == "completed")
            .Single().Context.Message.Markdown;

        var document = Markdown.Parse(markdown, Gfm);
        Assert.Multiple(() =>
        {
            Assert.That(document.Descendants<LinkInline>(), Is.Empty, "links or images");
            Assert.That(document.Descendants<AutolinkInline>(), Is.Empty, "autolinks");
            Assert.That(document.Descendants<HtmlInline>(), Is.Empty, "inline HTML");
            Assert.That(document.Descendants<HtmlBlock>(), Is.Empty, "HTML blocks (an HTML comment hiding the rest is one)");
            foreach (var secret in Secrets)
            {
                Assert.That(markdown, Does.Not.Contain(secret), "secret");
            }

            // What GitHub links by itself, outside code: mentions, issue references, bare URLs.
            var prose = ProseText(document);
            Assert.That(MentionOrReference().Matches(prose).Select(m => m.Value), Is.Empty, "live mentions or references");
            Assert.That(prose, Does.Not.Contain("://").And.Not.Contain("www."), "bare URLs");

            // The whole report: one heading with the check name shown as text, every list item, the output tail last.
            var heading = document.Descendants<HeadingBlock>().Single();
            Assert.That(Visible(InlineText(heading)), Does.Contain(HostileCheckName));
            var items = document.Descendants<ListItemBlock>().Select(i => InlineText(i)).ToList();
            Assert.That(items, Has.Some.StartWith("Diagnosis:"));
            Assert.That(items, Has.Some.StartWith("Root cause:").And.Some.Contains("[click](http"));
            Assert.That(items, Has.Some.StartWith("Attempts: 1"));
            Assert.That(items, Has.Some.StartWith("LLM cost:"));
            var fenced = document.Descendants<FencedCodeBlock>().Single();
            Assert.That(document.LastChild, Is.SameAs(fenced));
            var tail = fenced.Lines.ToString();
            Assert.That(tail, Does.EndWith("Build FAILED: end of tail"));
            Assert.That(tail, Does.Contain("```").And.Contain("<!--").And.Contain("[click](http://phish)"), "the tail is shown verbatim, as data");
        });
    }

    [Test]
    public async Task Should_write_slack_text_with_no_link_mention_broadcast_or_secret_when_the_log_and_check_name_are_hostile()
    {
        var id = await EscalateAfterHostileRunAsync();
        var text = FixWorkflowReport.Render(_saga.Sagas.Contains(id)!, _scrubber, RequestSource.Slack);

        Assert.Multiple(() =>
        {
            // Slack's links, mentions and broadcasts are all <...>: none may remain; bare URLs are linked by Slack itself.
            Assert.That(text, Does.Not.Contain("<"));
            Assert.That(text, Does.Not.Contain("://").And.Not.Contain("www."));
            Assert.That(Regex.Matches(text, "@[A-Za-z0-9]").Select(m => m.Value), Is.Empty, "@channel, @here or a user");
            foreach (var secret in Secrets)
            {
                Assert.That(text, Does.Not.Contain(secret), "secret");
            }

            Assert.That(Visible(text), Does.Contain("format` [click me](http://x) &lt;!--"));
            Assert.That(text, Does.Contain("*Attempts:* 1").And.Contain("*LLM cost:*").And.Contain("*Last problem:*"));
            Assert.That(Regex.Count(text, "```"), Is.EqualTo(2), "the output tail cannot close its code block");
            Assert.That(text, Does.EndWith("Build FAILED: end of tail\n```\n"));
        });
    }

    [Test]
    public async Task Should_write_a_commit_message_with_no_link_mention_reference_or_secret_when_the_check_name_and_root_cause_are_hostile()
    {
        var id = NewId.NextGuid();
        await StartAsync(id);
        await _harness.Bus.Publish(Analyzed(id));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        var execution = NewId.NextGuid();
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted
        {
            CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Validation = [], Duration = TimeSpan.FromSeconds(1), Patch = "diff",
        });
        Assert.That(await _saga.Exists(id, m => m.Publishing), Is.Not.Null);

        var message = _harness.Published.Select<PublishFixResult>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.CommitMessage;
        var subject = message.Split('\n')[0];
        Assert.Multiple(() =>
        {
            Assert.That(subject, Does.StartWith("agentic: fix format`"));
            Assert.That(subject, Has.Length.LessThanOrEqualTo(72));
            Assert.That(message, Does.Contain("\n\nerror: "), "the root cause is the body");
            Assert.That(MentionOrReference().Matches(message).Select(m => m.Value), Is.Empty, "mentions or references (a closing keyword would close #12)");
            Assert.That(message, Does.Not.Contain("://").And.Not.Contain("www."), "URLs");
            Assert.That(message.Where(c => char.IsControl(c) && c != '\n'), Is.Empty);
            foreach (var secret in Secrets)
            {
                Assert.That(message, Does.Not.Contain(secret), "secret");
            }
        });
    }

    /// <summary>A hostile check fails, the analysis quotes the hostile line, the one allowed attempt prints the hostile tail.</summary>
    private async Task<Guid> EscalateAfterHostileRunAsync()
    {
        var id = NewId.NextGuid();
        await StartAsync(id);
        await _harness.Bus.Publish(Analyzed(id));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        var execution = NewId.NextGuid();
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted
        {
            CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.ValidationFailed, Validation = [], Duration = TimeSpan.FromSeconds(1), Error = HostileTail,
        });
        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        await _harness.InactivityTask;
        return id;
    }

    private async Task StartAsync(Guid id)
    {
        await _harness.Bus.Publish(new CheckFailureDetected
        {
            CorrelationId = id,
            PullRequest = new PullRequestRef
            {
                Repository = new RepositoryRef { InstallationId = 1, RepositoryId = 42, Owner = "octo", Name = "widgets" },
                Number = 7,
                HeadSha = "abc1234def",
                HeadRef = "feature",
                BaseRef = "main",
            },
            CheckRunId = 99,
            CheckName = HostileCheckName,
            Conclusion = "failure",
            FromFork = false,
            DetectedAt = DateTimeOffset.UtcNow,
        });
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        await _harness.Bus.Publish(new RepositoryConfigLoaded { CorrelationId = id, Found = false, AutoFix = true, OpenPullRequest = false, Problems = [] });
        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null);
    }

    private static CheckFailureAnalyzed Analyzed(Guid id) => new()
    {
        CorrelationId = id,
        Category = FailureCategory.FormatOrLint,
        Strategy = FixStrategy.LlmEdit,
        Confidence = 0.9,
        RootCause = HostileRootCause,
        Evidence = HostileRootCause,
        Files = ["src/a.cs"],
        Usage = new LlmUsage { Calls = 0, InputTokens = 0, OutputTokens = 0, CostUsd = 0m },
    };

    /// <summary>The text a reader sees outside code: every leaf that is not a code block, inline code left out.</summary>
    private static string ProseText(MarkdownDocument document)
    {
        var text = new StringBuilder();
        foreach (var leaf in document.Descendants<LeafBlock>().Where(b => b is not CodeBlock && b.Inline is not null))
        {
            foreach (var inline in leaf.Inline!.Descendants<Inline>())
            {
                text.Append(inline switch
                {
                    LiteralInline literal => literal.Content.ToString(),
                    HtmlEntityInline entity => entity.Transcoded.ToString(),
                    LineBreakInline => "\n",
                    _ => string.Empty,
                });
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static string InlineText(Block block) =>
        block is LeafBlock { Inline: { } inline }
            ? string.Concat(inline.Descendants<Inline>().Select(i => i switch
            {
                LiteralInline literal => literal.Content.ToString(),
                HtmlEntityInline entity => entity.Transcoded.ToString(),
                CodeInline code => code.Content,
                _ => string.Empty,
            }))
            : block is ContainerBlock container ? string.Concat(container.Select(InlineText)) : string.Empty;

    /// <summary>What a reader sees: zero-width joiners are invisible.</summary>
    private static string Visible(string text) => text.Replace(GitHubMarkdown.ZeroWidthJoiner.ToString(), string.Empty, StringComparison.Ordinal);

    [GeneratedRegex(@"(?<![\w`])(?:@[A-Za-z0-9]|#[0-9]|GH-[0-9])", RegexOptions.IgnoreCase)]
    private static partial Regex MentionOrReference();
}
