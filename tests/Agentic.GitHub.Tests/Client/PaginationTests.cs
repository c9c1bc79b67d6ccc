using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.GitHub.Tests.Client;

public sealed class PaginationTests
{
    [Test]
    public async Task Should_read_every_page_when_pull_requests_span_several_pages()
    {
        await using var github = await GitHubHarness.StartAsync();
        for (var i = 1; i <= 7; i++)
        {
            github.Repository.AddPullRequest($"feature-{i}", title: $"Change {i}");
        }

        var pulls = await github.Client.ListPullRequestsAsync(GitHubHarness.Owner, GitHubHarness.Repo, perPage: 3).ToListAsync();

        Assert.That(pulls.Select(p => p.Number), Is.EqualTo(new List<int> { 7, 6, 5, 4, 3, 2, 1 }));
        Assert.That(pulls.Select(p => p.Title), Does.Contain("Change 4"));
        var pages = github.RequestsTo("/pulls?");
        Assert.That(pages, Has.Count.EqualTo(3));
        Assert.That(pages[1].PathAndQuery, Does.Contain("per_page=3").And.Contain("page=2"));
        Assert.That(pages[2].PathAndQuery, Does.Contain("page=3"));
    }

    [Test]
    public async Task Should_read_every_page_when_check_runs_are_wrapped_with_a_total_count()
    {
        await using var github = await GitHubHarness.StartAsync();
        var sha = github.Repository.ReadRef("main")!;
        for (var i = 1; i <= 5; i++)
        {
            github.Repository.AddCheckRun($"lint-{i}", sha);
        }

        var runs = await github.Client.ListCheckRunsForRefAsync(GitHubHarness.Owner, GitHubHarness.Repo, sha, perPage: 2).ToListAsync();

        Assert.That(runs.Select(r => r.Name), Is.EquivalentTo(new List<string> { "lint-1", "lint-2", "lint-3", "lint-4", "lint-5" }));
        Assert.That(runs.All(r => r.HeadSha == sha && r.Conclusion == "failure"), Is.True);
        Assert.That(github.RequestsTo("/check-runs?"), Has.Count.EqualTo(3));
    }

    [Test]
    public async Task Should_list_comments_and_jobs_of_a_check_suite_when_they_are_paged()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        for (var i = 1; i <= 5; i++)
        {
            github.Repository.AddIssueComment(pull.Number, $"comment {i}");
        }

        var run = github.Repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = github.Repository.ReadRef("main")!,
            HeadBranch = "feature",
            Jobs = [new JobSeed { Name = "build", Conclusion = "failure" }, new JobSeed { Name = "test" }, new JobSeed { Name = "lint" }],
        });

        var comments = await github.Client.ListIssueCommentsAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, perPage: 2).ToListAsync();
        var jobs = await github.Client.ListJobsForCheckSuiteAsync(GitHubHarness.Owner, GitHubHarness.Repo, run.CheckSuiteId).ToListAsync();

        Assert.That(comments.Select(c => c.Body), Is.EqualTo(new List<string> { "comment 1", "comment 2", "comment 3", "comment 4", "comment 5" }));
        Assert.That(jobs.Select(j => j.Name), Is.EqualTo(new List<string> { "build", "test", "lint" }));
        Assert.That(jobs[0].Conclusion, Is.EqualTo("failure"));
        Assert.That(jobs[0].Steps.Single(s => s.Conclusion == "failure").Name, Is.EqualTo("Build"));
        Assert.That(jobs.All(j => j.RunId == run.Id), Is.True);
    }

    [Test]
    public async Task Should_link_prev_next_first_and_last_when_a_middle_page_is_requested()
    {
        await using var github = await GitHubHarness.StartAsync();
        for (var i = 1; i <= 7; i++)
        {
            github.Repository.AddPullRequest($"feature-{i}");
        }

        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(github.StandIn.BaseUri, $"repos/{GitHubHarness.Owner}/{GitHubHarness.Repo}/pulls?per_page=3&page=2"));
        request.Headers.Authorization = new("Bearer", token);
        using var response = await http.SendAsync(request);

        var link = string.Join(", ", response.Headers.GetValues("Link"));
        Assert.That(link, Does.Contain("page=1>; rel=\"prev\"").And.Contain("page=3>; rel=\"next\"").And.Contain("page=3>; rel=\"last\"").And.Contain("page=1>; rel=\"first\""));
        Assert.That(link, Does.Contain("per_page=3"));
    }
}
