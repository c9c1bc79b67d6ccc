using System.Globalization;
using Agentic.Contracts.Common;
using Agentic.Contracts.Results;
using Agentic.Git;
using Agentic.GitHub;
using Agentic.ResultProcessor.Publishing;
using Agentic.StandIns.GitHub;
using Agentic.Text;
using MassTransit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.IntegrationTests.ResultProcessor;

/// <summary>Pushing a validated fix with real git to the GitHub stand-in's repositories, as a GitHub App installation.</summary>
public sealed class FixPublisherTests
{
    private const string Patch = """
        diff --git a/README.md b/README.md
        --- a/README.md
        +++ b/README.md
        @@ -1 +1 @@
        -hi
        +hello

        """;

    private GitHubStandIn _gitHub = null!;
    private StandInRepository _repository = null!;
    private GitHubClient _client = null!;
    private FixPublisher _publisher = null!;
    private long _installationId;
    private string _head = null!;
    private string _privateKey = null!;

    [SetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        var app = _gitHub.AddApp("agentic");
        _installationId = _gitHub.AddInstallation(app, "octo").Id;
        _repository = await _gitHub.CreateRepositoryAsync("octo", "widgets", isPrivate: true, files: new Dictionary<string, string?> { ["README.md"] = "hi\n" });
        _head = await _repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["widget.txt"] = "a widget\n" }, "Add a widget", CancellationToken.None);
        _repository.AddPullRequest("feature", headSha: _head);
        var options = new GitHubClientOptions { BaseUrl = _gitHub.BaseUri, App = { AppId = app.Id, PrivateKey = app.PrivateKeyPem } };
        options.RateLimit.MinimumWriteInterval = TimeSpan.Zero;
        _client = GitHubClient.Create(options);
        _privateKey = app.PrivateKeyPem;
        _publisher = new FixPublisher(_client, new GitCli(), new SecretScrubber([app.PrivateKeyPem]), NullLogger<FixPublisher>.Instance);
    }

    [TearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_push_the_patch_to_the_pull_request_branch_once_when_the_command_is_delivered_twice()
    {
        var command = Command(openPullRequest: false);

        var first = await _publisher.PublishAsync(command, CancellationToken.None);
        var second = await _publisher.PublishAsync(command, CancellationToken.None);

        var pushed = await _repository.GetCommitAsync("feature", CancellationToken.None);
        var readme = await _repository.ReadFileAsync("feature", "README.md", CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(second.CommitSha, Is.EqualTo(first.CommitSha), "the redelivery found its own commit");
            Assert.That(_repository.ReadRef("refs/heads/feature"), Is.EqualTo(first.CommitSha));
            Assert.That(pushed.Parents, Is.EqualTo(new[] { _head }));
            Assert.That(pushed.Message, Does.Contain($"{FixPublisher.Trailer}: {command.ExecutionId}"));
            Assert.That(System.Text.Encoding.UTF8.GetString(readme!), Is.EqualTo("hello\n"));
        });
    }

    [Test]
    public async Task Should_not_push_over_a_branch_a_human_moved_after_validation()
    {
        var human = await _repository.CommitFilesAsync("feature", new Dictionary<string, string?> { ["other.txt"] = "mine\n" }, "Human change", CancellationToken.None);

        Assert.ThrowsAsync<BranchMovedException>(() => _publisher.PublishAsync(Command(openPullRequest: false), CancellationToken.None));
        Assert.That(_repository.ReadRef("refs/heads/feature"), Is.EqualTo(human));
    }

    [Test]
    public async Task Should_open_a_pull_request_against_the_branch_when_pushing_is_not_allowed()
    {
        var command = Command(openPullRequest: true);

        var published = await _publisher.PublishAsync(command, CancellationToken.None);

        var proposal = _repository.PullRequests.Single(p => p.Number == published.ProposalNumber);
        Assert.Multiple(() =>
        {
            Assert.That(proposal.BaseRef, Is.EqualTo("feature"));
            Assert.That(proposal.HeadRef, Does.StartWith("agentic/fix-"));
            Assert.That(_repository.ReadRef("refs/heads/feature"), Is.EqualTo(_head), "the PR branch itself is untouched");
        });
    }

    [Test]
    public async Task Should_write_a_plain_commit_message_and_title_when_the_command_carries_a_hostile_one()
    {
        var keyLine = _privateKey.Split('\n').First(l => l.Length >= 40 && !l.StartsWith("-----", StringComparison.Ordinal));
        const string token = "ghs_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789";
        var command = Command(openPullRequest: true) with
        {
            CommitMessage = "\n  agentic: fix format` [click me](http://x) <!-- \u001b[2J " + token + " and a very long name that goes on and on and on\n\n" +
                            "@org/team fixes #12, see www.evil.example\r\n" + keyLine + "\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n",
        };

        var published = await _publisher.PublishAsync(command, CancellationToken.None);

        var proposal = _repository.PullRequests.Single(p => p.Number == published.ProposalNumber);
        var message = (await _repository.GetCommitAsync(proposal.HeadRef, CancellationToken.None)).Message;
        var subject = message.Split('\n')[0];
        Assert.Multiple(() =>
        {
            Assert.That(subject, Does.StartWith("agentic: fix format`").And.Length.LessThanOrEqualTo(72));
            Assert.That(proposal.Title, Is.EqualTo(subject));
            Assert.That(message, Does.Contain($"{FixPublisher.Trailer}: {command.ExecutionId}"));
            foreach (var text in new[] { message, proposal.Title })
            {
                Assert.That(text, Does.Not.Contain(token).And.Not.Contain(keyLine).And.Not.Contain("PRIVATE KEY").And.Not.Contain("b3BlbnNzaC1rZXkt"));
                Assert.That(text, Does.Not.Contain("://").And.Not.Contain("www.").And.Not.Contain("@org").And.Not.Contain("#12"));
                Assert.That(text.Where(c => char.IsControl(c) && c != '\n'), Is.Empty);
            }
        });
    }

    private PublishFixResult Command(bool openPullRequest) => new()
    {
        CorrelationId = NewId.NextGuid(),
        ExecutionId = NewId.NextGuid(),
        PullRequest = new PullRequestRef
        {
            Repository = new RepositoryRef { InstallationId = _installationId, RepositoryId = _repository.Id, Owner = "octo", Name = "widgets" },
            Number = 1,
            HeadSha = _head,
            HeadRef = "feature",
            BaseRef = "main",
        },
        Patch = Patch,
        CommitMessage = "agentic: fix lint",
        OpenPullRequest = openPullRequest,
    };
}
