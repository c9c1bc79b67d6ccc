using System.Net;
using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.GitHub.Tests.Client;

public sealed class JobLogTests
{
    private const string Log = "2025-01-06T09:00:00.0000000Z ##[group]Run dotnet build\n2025-01-06T09:00:05.0000000Z error CS1002: ; expected\n2025-01-06T09:00:05.1000000Z ##[error]Process completed with exit code 1.\n";

    [Test]
    public async Task Should_stream_the_log_without_the_authorization_header_when_github_redirects_to_storage()
    {
        await using var github = await GitHubHarness.StartAsync();
        var run = github.Repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = github.Repository.ReadRef("main")!,
            Jobs = [new JobSeed { Name = "build", Conclusion = "failure", Log = Log }],
        });
        var job = run.Jobs.Single();

        await using var stream = await github.Client.DownloadJobLogsAsync(GitHubHarness.Owner, GitHubHarness.Repo, job.Id, CancellationToken.None);
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();

        Assert.That(text, Is.EqualTo(Log));
        Assert.That(github.RequestsTo($"/actions/jobs/{job.Id}/logs").Single(), Has.Property(nameof(StandInRequest.Status)).EqualTo(302).And.Property(nameof(StandInRequest.HadAuthorization)).True);
        Assert.That(github.StandIn.LogDownloads, Is.EqualTo(new[] { new StandInLogDownload(job.Id, 200, HadAuthorization: false) }));
        Assert.That(github.StandIn.LogsBaseUri.Port, Is.Not.EqualTo(github.StandIn.BaseUri.Port));
    }

    [Test]
    public async Task Should_refuse_a_log_download_when_an_authorization_header_is_sent_to_storage()
    {
        await using var github = await GitHubHarness.StartAsync();
        var job = github.Repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = github.Repository.ReadRef("main")!, Jobs = [new JobSeed { Name = "build", Log = Log }] }).Jobs.Single();
        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri(github.StandIn.BaseUri, $"repos/{GitHubHarness.Owner}/{GitHubHarness.Repo}/actions/jobs/{job.Id}/logs"));
        api.Headers.Authorization = new("Bearer", token);
        using var redirect = await http.SendAsync(api);

        using var storage = new HttpRequestMessage(HttpMethod.Get, redirect.Headers.Location);
        storage.Headers.Authorization = new("Bearer", token);
        using var refused = await http.SendAsync(storage);

        Assert.That(redirect.StatusCode, Is.EqualTo(HttpStatusCode.Found));
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Should_answer_404_when_the_job_has_no_logs()
    {
        await using var github = await GitHubHarness.StartAsync();
        var job = github.Repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = github.Repository.ReadRef("main")!, Jobs = [new JobSeed { Name = "build", Status = "in_progress", Conclusion = null }] }).Jobs.Single();

        var error = Assert.ThrowsAsync<GitHubApiException>(() => github.Client.DownloadJobLogsAsync(GitHubHarness.Owner, GitHubHarness.Repo, job.Id, CancellationToken.None));

        Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }
}
