using System.Net;
using Agentic.GitHub.Models;
using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.GitHub.Tests.Client;

public sealed class RetryAndErrorTests
{
    [Test]
    public async Task Should_retry_with_backoff_and_succeed_when_github_answers_5xx_to_a_read()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        github.StandIn.EnqueueFault(new StandInFault { StatusCode = 502, Times = 2, PathContains = $"/pulls/{pull.Number}" });

        var read = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        Assert.That(read.Number, Is.EqualTo(pull.Number));
        Assert.That(github.RequestsTo($"/pulls/{pull.Number}").Select(r => r.Status), Is.EqualTo(new List<int> { 502, 502, 200 }));
        Assert.That(github.Client.Metrics.Retries, Is.EqualTo(2));
        var backoffs = github.Clock.Waits.Where(w => w < TimeSpan.FromMinutes(1)).ToList();
        Assert.That(backoffs, Has.Count.EqualTo(2));
        Assert.That(backoffs[0], Is.InRange(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1)));
        Assert.That(backoffs[1], Is.InRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Test]
    public async Task Should_give_up_with_the_status_when_5xx_outlasts_the_retries()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        github.StandIn.EnqueueFault(new StandInFault { StatusCode = 500, Times = 10, PathContains = $"/pulls/{pull.Number}" });

        var error = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(github.RequestsTo($"/pulls/{pull.Number}"), Has.Count.EqualTo(4), "one try and three retries");
    }

    [Test]
    public async Task Should_not_repeat_a_create_when_github_answers_5xx_to_it()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        github.StandIn.EnqueueFault(new StandInFault { StatusCode = 502, Method = "POST", PathContains = "/comments" });

        var error = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.CreateIssueCommentAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, "hello", CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.BadGateway));
        Assert.That(github.RequestsTo("/comments", "POST"), Has.Count.EqualTo(1), "a POST that may have been applied is not sent twice");
        Assert.That(github.Client.Metrics.Retries, Is.Zero);
    }

    [Test]
    public async Task Should_retry_an_idempotent_update_when_github_answers_5xx_to_it()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        var comment = github.Repository.AddIssueComment(pull.Number, "before");
        github.StandIn.EnqueueFault(new StandInFault { StatusCode = 503, Method = "PATCH" });

        var updated = await github.Client.UpdateIssueCommentAsync(GitHubHarness.Owner, GitHubHarness.Repo, comment.Id, "after", CancellationToken.None);

        Assert.That(updated.Body, Is.EqualTo("after"));
        Assert.That(github.Client.Metrics.Retries, Is.EqualTo(1));
    }

    [Test]
    public async Task Should_carry_githubs_message_and_the_request_when_a_resource_is_missing()
    {
        await using var github = await GitHubHarness.StartAsync();

        var error = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, 999, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(error.GitHubMessage, Is.EqualTo("Not Found"));
        Assert.That(error.DocumentationUrl, Does.StartWith("https://docs.github.com/"));
        Assert.That(error.Method, Is.EqualTo("GET"));
        Assert.That(error.RequestUrl, Is.EqualTo(new Uri(github.StandIn.BaseUri, $"repos/{GitHubHarness.Owner}/{GitHubHarness.Repo}/pulls/999").AbsoluteUri));
        Assert.That(error.Message, Does.Contain("404").And.Contain("Not Found").And.Contain("/pulls/999"));
        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        Assert.That(error.ToString(), Does.Not.Contain(token));
    }

    [Test]
    public async Task Should_report_githubs_validation_errors_when_the_input_is_rejected()
    {
        await using var github = await GitHubHarness.StartAsync();

        var exists = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.CreateReferenceAsync(GitHubHarness.Owner, GitHubHarness.Repo, "refs/heads/main", github.Repository.ReadRef("main")!, CancellationToken.None));
        var noBranch = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.CreatePullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, new NewPullRequest { Title = "x", Head = "missing", Base = "main" }, CancellationToken.None));

        Assert.That(exists!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(exists.GitHubMessage, Is.EqualTo("Reference already exists"));
        Assert.That(noBranch!.StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity));
        Assert.That(noBranch.GitHubMessage, Is.EqualTo("Validation Failed"));
        Assert.That(noBranch.Errors, Is.EqualTo(new List<string> { "PullRequest.head: invalid" }));
    }

    [Test]
    public async Task Should_fail_with_401_when_the_token_is_not_valid()
    {
        await using var github = await GitHubHarness.StartAsync();
        await using var other = github.CreateOtherClientServices(new Dictionary<string, string?> { ["GitHub:Api:Token"] = "ghp_not-a-real-token" });

        var error = Assert.ThrowsAsync<GitHubApiException>(() => other.GetRequiredService<GitHubClient>().GetRepositoryAsync(GitHubHarness.Owner, GitHubHarness.Repo, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error.GitHubMessage, Is.EqualTo("Bad credentials"));
        Assert.That(error.ToString(), Does.Not.Contain("ghp_not-a-real-token"));
    }

    [Test]
    public async Task Should_work_with_a_personal_access_token_when_no_app_is_configured()
    {
        await using var github = await GitHubHarness.StartAsync();
        var token = github.StandIn.AddPersonalAccessToken("octocat");
        await using var other = github.CreateOtherClientServices(new Dictionary<string, string?> { ["GitHub:Api:Token"] = token });
        var client = other.GetRequiredService<GitHubClient>();

        var repository = await client.GetRepositoryAsync(GitHubHarness.Owner, GitHubHarness.Repo, CancellationToken.None);
        var forbidden = Assert.ThrowsAsync<GitHubApiException>(() => client.CreateCheckRunAsync(GitHubHarness.Owner, GitHubHarness.Repo, new NewCheckRun { Name = "x", HeadSha = github.Repository.ReadRef("main")! }, CancellationToken.None));

        Assert.That(repository.Name, Is.EqualTo(GitHubHarness.Repo));
        Assert.That(forbidden!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(forbidden.GitHubMessage, Is.EqualTo("You must authenticate via a GitHub App."));
        Assert.That(github.StandIn.Requests[^1].Identity, Is.EqualTo("user:octocat"));
    }

    [Test]
    public void Should_refuse_to_start_when_the_options_are_invalid()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["GitHub:Api:App:AppId"] = "12", ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = "500" })
            .Build();
        var services = new ServiceCollection().AddLogging();
        services.AddGitHubClient(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<GitHubClient>());

        Assert.That(error!.Failures, Has.Some.Contains("PrivateKey").And.Some.Contains("MaxConcurrentRequests"));
    }
}
