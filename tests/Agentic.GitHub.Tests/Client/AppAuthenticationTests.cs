using System.Net;
using Agentic.GitHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Agentic.GitHub.Tests.Client;

public sealed class AppAuthenticationTests
{
    [Test]
    public async Task Should_request_exactly_one_new_token_when_fifty_callers_find_it_expired()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);
        Assert.That(github.StandIn.TokenRequests(github.Installation.Id), Is.EqualTo(1));

        github.Clock.Advance(TimeSpan.FromMinutes(61));
        var reads = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None)));

        Assert.That(reads, Has.Length.EqualTo(50).And.All.Property(nameof(Models.GitHubPullRequest.Number)).EqualTo(pull.Number));
        Assert.That(github.StandIn.TokenRequests(github.Installation.Id), Is.EqualTo(2));
        Assert.That(github.Client.Metrics.InstallationTokens, Is.EqualTo(2));
        Assert.That(github.StandIn.Requests.Count(r => r.Status == 401), Is.Zero, "the expired token is never sent");
    }

    [Test]
    public async Task Should_renew_the_token_when_it_is_within_the_refresh_margin_and_reuse_it_before()
    {
        await using var github = await GitHubHarness.StartAsync();
        var first = await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);

        github.Clock.Advance(TimeSpan.FromMinutes(50));
        var reused = await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);
        github.Clock.Advance(TimeSpan.FromMinutes(6));
        var renewed = await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);

        Assert.That(reused.Token, Is.EqualTo(first.Token));
        Assert.That(renewed.Token, Is.Not.EqualTo(first.Token));
        Assert.That(renewed.ExpiresAt, Is.GreaterThan(first.ExpiresAt));
        Assert.That(github.StandIn.TokenRequests(github.Installation.Id), Is.EqualTo(2));
    }

    [Test]
    public async Task Should_renew_once_and_succeed_when_github_revokes_a_cached_token()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        var token = await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None);
        github.StandIn.RevokeInstallationTokens(github.Installation.Id);

        var read = await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);

        Assert.That(read.Number, Is.EqualTo(pull.Number));
        Assert.That(github.RequestsTo($"/pulls/{pull.Number}").Select(r => r.Status), Is.EqualTo(new List<int> { 401, 200 }));
        Assert.That(github.StandIn.TokenRequests(github.Installation.Id), Is.EqualTo(2));
        Assert.That(token.ToString(), Does.Not.Contain(token.Token), "ToString never shows the token");
    }

    [Test]
    public async Task Should_sign_a_jwt_that_github_accepts_when_the_app_authenticates()
    {
        await using var github = await GitHubHarness.StartAsync();

        var jwt = new JsonWebToken(github.Client.AppTokens.CreateJwt());

        Assert.That(jwt.Alg, Is.EqualTo("RS256"));
        Assert.That(jwt.Issuer, Is.EqualTo(github.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(jwt.IssuedAt, Is.EqualTo(github.Clock.GetUtcNow().UtcDateTime.AddSeconds(-60)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(jwt.ValidTo - jwt.IssuedAt, Is.LessThanOrEqualTo(TimeSpan.FromMinutes(10)));
    }

    [Test]
    public async Task Should_fail_with_401_when_the_app_key_is_not_the_one_github_knows()
    {
        await using var github = await GitHubHarness.StartAsync();
        using var stranger = System.Security.Cryptography.RSA.Create(2048);
        await using var other = github.CreateOtherClientServices(new Dictionary<string, string?>
        {
            ["GitHub:Api:App:AppId"] = github.App.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = stranger.ExportRSAPrivateKeyPem(),
            ["GitHub:Api:App:InstallationId"] = github.Installation.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

        var error = Assert.ThrowsAsync<GitHubApiException>(() => other.GetRequiredService<GitHubClient>().GetRepositoryAsync(GitHubHarness.Owner, GitHubHarness.Repo, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(error.GitHubMessage, Is.EqualTo("A JSON web token could not be decoded"));
        Assert.That(error.RequestUrl, Does.EndWith($"/app/installations/{github.Installation.Id}/access_tokens"));
    }

    [Test]
    public async Task Should_act_as_another_installation_when_asked_for_a_view()
    {
        await using var github = await GitHubHarness.StartAsync();
        var elsewhere = github.StandIn.AddInstallation(github.App, "other-org");
        var repository = await github.StandIn.CreateRepositoryAsync("other-org", "tools", files: new Dictionary<string, string?> { ["a.txt"] = "a" });

        var read = await github.Client.ForInstallation(elsewhere.Id).GetRepositoryAsync("other-org", "tools", CancellationToken.None);
        var refused = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.GetRepositoryAsync("other-org", "tools", CancellationToken.None));

        Assert.That(read.Id, Is.EqualTo(repository.Id));
        Assert.That(refused!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "an installation sees only its own account's repositories");
        Assert.That(github.StandIn.TokenRequests(elsewhere.Id), Is.EqualTo(1));
    }

    [Test]
    public async Task Should_never_log_tokens_jwts_or_keys_when_the_client_works_and_fails()
    {
        await using var github = await GitHubHarness.StartAsync();
        var pull = github.Repository.AddPullRequest("feature");
        github.Repository.AddWorkflowRun(new StandIns.GitHub.WorkflowRunSeed { HeadSha = github.Repository.ReadRef("main")!, Jobs = [new StandIns.GitHub.JobSeed { Name = "build", Log = "log" }] });
        github.StandIn.EnqueueFault(new StandIns.GitHub.StandInFault { StatusCode = 502, PathContains = "/pulls/" });
        github.StandIn.EnqueueFault(new StandIns.GitHub.StandInFault { StatusCode = 429, RetryAfter = TimeSpan.FromSeconds(3), PathContains = "/pulls/" });

        await github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, pull.Number, CancellationToken.None);
        var job = github.Repository.WorkflowRuns.Single().Jobs.Single();
        await using (var log = await github.Client.DownloadJobLogsAsync(GitHubHarness.Owner, GitHubHarness.Repo, job.Id, CancellationToken.None))
        {
            await log.CopyToAsync(Stream.Null);
        }

        Assert.ThrowsAsync<GitHubApiException>(() => github.Client.GetPullRequestAsync(GitHubHarness.Owner, GitHubHarness.Repo, 404, CancellationToken.None));
        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        var logs = string.Join('\n', github.Logs.Lines);

        Assert.That(github.Logs.Lines, Is.Not.Empty);
        Assert.That(logs, Does.Not.Contain(token));
        Assert.That(logs, Does.Not.Contain("eyJ"), "no JWT");
        Assert.That(logs, Does.Not.Contain("PRIVATE KEY"));
        Assert.That(logs, Does.Not.Contain("sig="), "no signed storage URL");
    }
}
