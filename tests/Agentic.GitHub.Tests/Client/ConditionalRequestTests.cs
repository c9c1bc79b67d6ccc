using Agentic.GitHub.Tests.Infrastructure;

namespace Agentic.GitHub.Tests.Client;

public sealed class ConditionalRequestTests
{
    [Test]
    public async Task Should_answer_from_the_cache_and_count_a_free_304_when_the_etag_still_matches()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature", title: "Fix the build");

        var first = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);
        var used = github.StandIn.RateLimitOf($"installation:{github.Installation.Id}").Used;
        var second = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        Assert.That((second.Title, second.Head.Sha, second.UpdatedAt), Is.EqualTo((first.Title, first.Head.Sha, first.UpdatedAt)));
        Assert.That(github.Client.Metrics.NotModified, Is.EqualTo(1));
        var requests = github.RequestsTo($"/pulls/{pull.Number}");
        Assert.That(requests.Select(r => r.Status), Is.EqualTo(new List<int> { 200, 304 }));
        Assert.That(github.StandIn.RateLimitOf($"installation:{github.Installation.Id}").Used, Is.EqualTo(used), "a 304 costs no rate limit");
    }

    [Test]
    public async Task Should_fetch_the_new_version_when_the_resource_changed()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature", title: "Before");
        await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        pull.Title = "After";
        var changed = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        Assert.That(changed.Title, Is.EqualTo("After"));
        Assert.That(github.Client.Metrics.NotModified, Is.Zero);
    }

    [Test]
    public async Task Should_serve_every_page_from_the_cache_when_a_paged_list_is_unchanged()
    {
        await using var github = await GitHubHarness.StartAsync();
        for (var i = 1; i <= 5; i++)
        {
            github.Repository.AddPullRequest($"feature-{i}");
        }

        var first = await github.Client.ListPullRequestsAsync(GitHubHarness.Owner, GitHubHarness.Repo, perPage: 2).ToListAsync();
        var second = await github.Client.ListPullRequestsAsync(GitHubHarness.Owner, GitHubHarness.Repo, perPage: 2).ToListAsync();

        Assert.That(second.Select(p => p.Number), Is.EqualTo(first.Select(p => p.Number)));
        Assert.That(github.Client.Metrics.NotModified, Is.EqualTo(3), "three pages, each answered 304 with its Link header from the cache");
    }
}
