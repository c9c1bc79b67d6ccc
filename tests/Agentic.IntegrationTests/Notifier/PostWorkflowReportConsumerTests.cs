using Agentic.Contracts.Common;
using Agentic.Contracts.Notifications;
using Agentic.GitHub;
using Agentic.Notifier.Consumers;
using Agentic.Notifier.Delivery;
using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Agentic.Text;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.IntegrationTests.Notifier;

/// <summary>The Notifier's GitHub delivery against real PostgreSQL and the GitHub stand-in: one comment per workflow, updated in place.</summary>
public sealed class PostWorkflowReportConsumerTests
{
    private GitHubStandIn _gitHub = null!;
    private StandInRepository _repository = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private long _installationId;
    private string _privateKey = null!;

    [SetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        var app = _gitHub.AddApp("agentic");
        _privateKey = app.PrivateKeyPem;
        _installationId = _gitHub.AddInstallation(app, "octo").Id;
        _repository = await _gitHub.CreateRepositoryAsync("octo", "widgets", false, "main", null, new Dictionary<string, string?> { ["README.md"] = "hi\n" });
        var head = await _repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["widget.txt"] = "a widget\n" }, "Add a widget", CancellationToken.None);
        _repository.AddPullRequest("feature", "Add widgets", headSha: head);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = _gitHub.BaseUri.ToString(),
            ["GitHub:Api:App:AppId"] = app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
            ["GitHub:Api:RateLimit:MinimumWriteInterval"] = "00:00:00",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(NpgsqlDataSource.Create(await TestEnvironment.CreateMigratedDatabaseAsync("notifier")));
        services.AddGitHubClient(configuration);
        services.AddSecretScrubber(configuration);
        services.AddSingleton<GitHubReportDelivery>();
        services.AddMassTransitTestHarness(bus => bus.AddConsumer<PostWorkflowReportConsumer>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task Stop()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_keep_one_comment_and_one_check_run_per_workflow_updated_in_place()
    {
        var workflow = NewId.NextGuid();
        var headSha = _repository.PullRequests[0].HeadSha!;

        await _harness.Bus.Publish(Report(workflow, headSha, 1, "in_progress", null, "working on it"));
        Assert.That(await _harness.Consumed.Any<PostWorkflowReport>(m => m.Context.Message.Sequence == 1), Is.True);
        await _harness.Bus.Publish(Report(workflow, headSha, 2, "completed", WorkflowOutcome.Escalated, "needs a human: the log expired"));
        Assert.That(await _harness.Consumed.Any<PostWorkflowReport>(m => m.Context.Message.Sequence == 2), Is.True);
        // A late redelivery of the first report must not roll the comment back.
        await _harness.Bus.Publish(Report(workflow, headSha, 1, "in_progress", null, "working on it"));
        Assert.That(await ConsumedAsync(workflow, 3), Is.True, "the late report was handled");

        var faults = _harness.Consumed.Select<PostWorkflowReport>(m => m.Exception is not null).Select(m => m.Exception!.Message).ToList();
        Assert.That(faults, Is.Empty);
        var comments = _repository.IssueComments.Where(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow), StringComparison.Ordinal)).ToList();
        var checkRuns = _repository.CheckRuns.Where(c => c.Name == GitHubReportDelivery.CheckRunName).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(comments, Has.Count.EqualTo(1));
            Assert.That(comments[0].Body, Does.Contain("needs a human: the log expired"));
            Assert.That(checkRuns, Has.Count.EqualTo(1));
            Assert.That(checkRuns[0].Status, Is.EqualTo("completed"));
            Assert.That(checkRuns[0].Conclusion, Is.EqualTo("neutral"));
            Assert.That(checkRuns[0].HeadSha, Is.EqualTo(headSha));
        });
    }

    [Test]
    public async Task Should_post_one_comment_when_two_reports_of_a_workflow_arrive_together()
    {
        var workflow = NewId.NextGuid();
        var headSha = _repository.PullRequests[0].HeadSha!;

        await Task.WhenAll(
            _harness.Bus.Publish(Report(workflow, headSha, 1, "in_progress", null, "working on it")),
            _harness.Bus.Publish(Report(workflow, headSha, 2, "completed", WorkflowOutcome.Pushed, "fix pushed")));
        Assert.That(await ConsumedAsync(workflow, 2), Is.True, "both reports were handled");

        var comments = _repository.IssueComments.Where(c => c.Body.Contains(GitHubReportDelivery.Marker(workflow), StringComparison.Ordinal)).ToList();
        Assert.That(comments, Has.Count.EqualTo(1));
        Assert.That(comments[0].Body, Does.Contain("fix pushed"));
    }

    [Test]
    public async Task Should_post_no_secret_of_the_service_and_stay_within_github_limits_when_the_report_carries_them()
    {
        var workflow = NewId.NextGuid();
        var headSha = _repository.PullRequests[0].HeadSha!;
        var privateKey = _privateKey;
        var keyLine = privateKey.Split('\n').First(l => l.Length >= 40 && !l.StartsWith("-----", StringComparison.Ordinal));
        const string token = "ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        // Someone quoting the bot's marker in their own comment: never taken for the report's comment.
        var quoting = _repository.AddIssueComment(1, "> " + GitHubReportDelivery.Marker(workflow) + "\nwhat is this?", "mallory");
        var markdown = "needs a human\n\nonly part of the key: " + keyLine + "\nthe whole key, JSON-escaped: " + privateKey.Replace("\n", "\\n", StringComparison.Ordinal) +
                       "\ntoken " + token + "\n" + new string('x', 70_000);

        await _harness.Bus.Publish(Report(workflow, headSha, 1, "completed", WorkflowOutcome.Escalated, markdown));
        Assert.That(await ConsumedAsync(workflow, 1), Is.True);

        var comment = _repository.IssueComments.Single(c => c.Body.StartsWith(GitHubReportDelivery.Marker(workflow), StringComparison.Ordinal));
        var checkRun = _repository.CheckRuns.Single(c => c.Name == GitHubReportDelivery.CheckRunName);
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Consumed.Select<PostWorkflowReport>(m => m.Exception is not null), Is.Empty);
            Assert.That(_repository.IssueComments.Single(c => c.Id == quoting.Id).Body, Does.StartWith("> "), "the quoting comment is untouched");
            foreach (var text in new[] { comment.Body, checkRun.OutputSummary! })
            {
                Assert.That(text, Does.Contain("needs a human"));
                Assert.That(text, Does.Not.Contain(keyLine).And.Not.Contain("PRIVATE KEY").And.Not.Contain(token));
                Assert.That(text, Has.Length.LessThanOrEqualTo(GitHubReportDelivery.MaxBodyLength));
            }
        });
    }

    private PostWorkflowReport Report(Guid workflow, string headSha, int sequence, string status, WorkflowOutcome? outcome, string markdown) => new()
    {
        CorrelationId = workflow,
        Target = new ReplyTarget { Source = RequestSource.GitHub, Address = "octo/widgets#1" },
        Repository = new RepositoryRef { InstallationId = _installationId, RepositoryId = _repository.Id, Owner = "octo", Name = "widgets" },
        HeadSha = headSha,
        Status = status,
        Outcome = outcome,
        Markdown = markdown,
        Sequence = sequence,
    };

    /// <summary>Whether <paramref name="count"/> reports of <paramref name="workflow"/> were handled within 30 s (polled; a consumed message is recorded once handled).</summary>
    private Task<bool> ConsumedAsync(Guid workflow, int count) =>
        Polling.UntilAsync(() => _harness.Consumed.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == workflow).Count() >= count);
}
