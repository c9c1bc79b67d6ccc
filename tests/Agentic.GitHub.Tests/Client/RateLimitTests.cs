using System.Net;
using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.GitHub.Tests.Client;

public sealed class RateLimitTests
{
    [Test]
    public async Task Should_wait_for_the_reset_when_the_primary_budget_is_spent()
    {
        await using var github = await GitHubHarness.StartAsync(o => o.RateLimit = 3);
        for (var i = 1; i <= 5; i++)
        {
            github.Repository.AddPullRequest($"feature-{i}");
        }

        var start = github.Clock.GetUtcNow();
        for (var number = 1; number <= 5; number++)
        {
            await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, number, CancellationToken.None);
        }

        Assert.That(github.Client.Metrics.RateLimitWaits, Is.EqualTo(1), "the fourth request waits once the third reported x-ratelimit-remaining: 0");
        Assert.That(github.StandIn.Requests.Count(r => r.Status == 403), Is.Zero, "the governor waits before GitHub has to refuse");
        Assert.That(github.Clock.GetUtcNow() - start, Is.GreaterThanOrEqualTo(TimeSpan.FromHours(1)));
    }

    [Test]
    public async Task Should_wait_for_the_reset_and_retry_when_a_request_is_refused_for_a_spent_budget()
    {
        await using var github = await GitHubHarness.StartAsync(o => o.RateLimit = 2);
        var pull = github.Repository.AddPullRequest("feature");
        await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        // Another process acting as the same installation spends the rest of the budget behind the client's back.
        await using (var other = github.CreateOtherClientServices(new Dictionary<string, string?>
        {
            ["GitHub:Api:App:AppId"] = github.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = github.App.PrivateKeyPem,
            ["GitHub:Api:App:InstallationId"] = github.Installation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }))
        {
            await other.GetRequiredService<GitHubClient>().GetRepositoryAsync(GitHubHarness.Owner, GitHubHarness.Repo, CancellationToken.None);
        }

        var repository = await github.Client.GetRepositoryAsync(GitHubHarness.Owner, GitHubHarness.Repo, CancellationToken.None);

        Assert.That(repository.FullName, Is.EqualTo($"{GitHubHarness.Owner}/{GitHubHarness.Repo}"));
        Assert.That(github.RequestsTo($"/repos/{GitHubHarness.Owner}/{GitHubHarness.Repo}").Where(r => !r.PathAndQuery.Contains("/pulls", StringComparison.Ordinal)).Select(r => r.Status), Is.EqualTo(new List<int> { 200, 403, 200 }));
        Assert.That(github.Client.Metrics.RateLimitWaits, Is.EqualTo(1));
        Assert.That(github.Clock.Waits.Max(), Is.GreaterThan(TimeSpan.FromMinutes(59)));
    }

    [TestCase(HttpStatusCode.TooManyRequests)]
    [TestCase(HttpStatusCode.Forbidden)]
    public async Task Should_wait_retry_after_and_retry_when_a_secondary_limit_answers(HttpStatusCode status)
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        github.StandIn.EnqueueFault(new StandInFault { StatusCode = (int)status, RetryAfter = TimeSpan.FromSeconds(7), PathContains = $"/pulls/{pull.Number}" });

        var read = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        Assert.That(read.Number, Is.EqualTo(pull.Number));
        Assert.That(github.RequestsTo($"/pulls/{pull.Number}").Select(r => r.Status), Is.EqualTo(new[] { (int)status, 200 }));
        Assert.That(github.Client.Metrics.RateLimitWaits, Is.EqualTo(1));
        Assert.That(github.Clock.Waits, Does.Contain(TimeSpan.FromSeconds(7)));
    }

    [Test]
    public async Task Should_pause_and_retry_when_the_content_creation_limit_is_exceeded()
    {
        await using var github = await GitHubHarness.StartAsync(
            o =>
            {
                o.SecondaryMaxWritesPerMinute = 2;
                o.SecondaryRetryAfter = TimeSpan.FromSeconds(60);
            },
            new Dictionary<string, string?> { ["GitHub:Api:RateLimit:MinimumWriteInterval"] = "00:00:00" });
        var pull = github.Repository.AddPullRequest("feature");

        for (var i = 1; i <= 3; i++)
        {
            await github.Client.CreateIssueCommentAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, $"comment {i}", CancellationToken.None);
        }

        Assert.That(github.Repository.IssueComments.Select(c => c.Body), Is.EqualTo(new List<string> { "comment 1", "comment 2", "comment 3" }));
        Assert.That(github.RequestsTo("/comments", "POST").Select(r => r.Status), Is.EqualTo(new List<int> { 201, 201, 403, 201 }));
        Assert.That(github.Clock.Waits, Does.Contain(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public async Task Should_space_content_creating_requests_when_many_are_sent_at_once()
    {
        await using var github = await GitHubHarness.StartAsync(clientSettings: new Dictionary<string, string?> { ["GitHub:Api:RateLimit:MinimumWriteInterval"] = "00:00:01" });
        var pull = github.Repository.AddPullRequest("feature");
        await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);
        github.Clock.AutoAdvance = false;
        var start = github.Clock.GetUtcNow();

        var writes = Task.WhenAll(Enumerable.Range(1, 4).Select(i =>
            github.Client.CreateIssueCommentAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, $"comment {i}", CancellationToken.None)));
        for (var sent = 1; sent <= 4; sent++)
        {
            await Eventually.That(() => github.RequestsTo("/comments", "POST").Count == sent, $"write {sent} reached GitHub");
            if (sent < 4)
            {
                await Eventually.That(() => github.Clock.PendingTimers == 1, $"write {sent + 1} waits for the clock");
                github.Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        await writes;

        var times = github.RequestsTo("/comments", "POST").Select(r => r.At);
        Assert.That(times, Is.EqualTo(Enumerable.Range(0, 4).Select(i => start + TimeSpan.FromSeconds(i))));
        Assert.That(github.Client.Metrics.ThrottledWrites, Is.EqualTo(3));
    }

    [Test]
    public async Task Should_keep_to_the_concurrency_cap_when_many_reads_run_at_once()
    {
        await using var github = await GitHubHarness.StartAsync(
            o => o.Latency = TimeSpan.FromMilliseconds(60),
            new Dictionary<string, string?> { ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = "3" });
        for (var i = 1; i <= 12; i++)
        {
            github.Repository.AddPullRequest($"feature-{i}");
        }

        await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);
        var pulls = await Task.WhenAll(Enumerable.Range(1, 12).Select(number =>
            github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, number, CancellationToken.None)));

        Assert.That(pulls.Select(p => p.Number), Is.EquivalentTo(Enumerable.Range(1, 12)));
        Assert.That(github.StandIn.MaxConcurrentRequests, Is.InRange(2, 3));
    }

    [Test]
    public async Task Should_keep_to_the_concurrency_cap_across_installations_when_many_reads_run_at_once()
    {
        await using var github = await GitHubHarness.StartAsync(
            o => o.Latency = TimeSpan.FromMilliseconds(60),
            new Dictionary<string, string?> { ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = "3" });
        var clients = new List<(GitHubClient Client, string Owner)> { (github.Client, GitHubHarness.Owner) };
        github.Repository.AddPullRequest("feature-1");
        github.Repository.AddPullRequest("feature-2");
        github.Repository.AddPullRequest("feature-3");
        for (var i = 1; i <= 3; i++)
        {
            var owner = $"other-org-{i}";
            var installation = github.StandIn.AddInstallation(github.App, owner);
            var repository = await github.StandIn.CreateRepositoryAsync(owner, GitHubHarness.Repo);
            repository.AddPullRequest("feature-1");
            repository.AddPullRequest("feature-2");
            repository.AddPullRequest("feature-3");
            await github.Client.AppTokens.GetInstallationTokenAsync(installation.Id, CancellationToken.None);
            clients.Add((github.Client.ForInstallation(installation.Id), owner));
        }

        await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);
        var pulls = await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(1, 3).Select(number =>
            c.Client.GetPullRequestAsync(c.Owner, GitHubHarness.Repo, number, CancellationToken.None))));

        Assert.That(pulls, Has.Length.EqualTo(12));
        Assert.That(github.StandIn.MaxConcurrentRequests, Is.InRange(2, 3), "one cap for all installations, not one per installation");
    }

    [Test]
    public async Task Should_fetch_installation_tokens_when_every_request_slot_waits_for_one()
    {
        await using var github = await GitHubHarness.StartAsync(
            o => o.Latency = TimeSpan.FromMilliseconds(20),
            new Dictionary<string, string?> { ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = "2" });
        var clients = new List<(GitHubClient Client, string Owner)> { (github.Client, GitHubHarness.Owner) };
        github.Repository.AddPullRequest("feature-1");
        github.Repository.AddPullRequest("feature-2");
        for (var i = 1; i <= 3; i++)
        {
            var owner = $"other-org-{i}";
            var installation = github.StandIn.AddInstallation(github.App, owner);
            var repository = await github.StandIn.CreateRepositoryAsync(owner, GitHubHarness.Repo);
            repository.AddPullRequest("feature-1");
            repository.AddPullRequest("feature-2");
            clients.Add((github.Client.ForInstallation(installation.Id), owner));
        }

        // No installation has a token yet: each first request fetches one, a request of its own that needs a slot too.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var pulls = await Task.WhenAll(clients.SelectMany(c => Enumerable.Range(1, 2).Select(number =>
            c.Client.GetPullRequestAsync(c.Owner, GitHubHarness.Repo, number, timeout.Token))));

        Assert.That(pulls, Has.Length.EqualTo(8));
        Assert.That(github.Client.Metrics.InstallationTokens, Is.EqualTo(4));
        Assert.That(github.StandIn.MaxConcurrentRequests, Is.LessThanOrEqualTo(2));
    }
}
