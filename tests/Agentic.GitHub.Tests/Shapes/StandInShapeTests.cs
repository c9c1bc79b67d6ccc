using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.GitHub.Models;
using Agentic.GitHub.Tests.Infrastructure;
using Agentic.StandIns.GitHub;

namespace Agentic.GitHub.Tests.Shapes;

/// <summary>
/// The stand-in answers with every field GitHub's own example has (recursively, for nested objects and the first
/// array item), and its answers read into the client's models.
/// </summary>
public sealed class StandInShapeTests
{
    [Test]
    public async Task Should_answer_with_every_field_of_githubs_examples_when_reading_resources()
    {
        await using var github = await GitHubHarness.StartAsync();
        var (pull, run, job, comment) = Seed(github);
        var token = (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        using var http = new HttpClient();
        var repo = $"repos/{GitHubHarness.Owner}/{GitHubHarness.Repo}";
        var sha = github.Repository.ReadRef("main");

        var cases = new (string Operation, string Path, string Status, string? Example)[]
        {
            ("pulls/get", $"{repo}/pulls/{pull.Number}", "200", null),
            ("pulls/list", $"{repo}/pulls", "200", null),
            ("checks/get", $"{repo}/check-runs/{job.Id}", "200", null),
            ("checks/list-for-ref", $"{repo}/commits/{sha}/check-runs", "200", null),
            ("checks/list-annotations", $"{repo}/check-runs/{job.Id}/annotations", "200", null),
            ("actions/list-jobs-for-workflow-run", $"{repo}/actions/runs/{run.Id}/jobs", "200", null),
            ("actions/list-workflow-runs-for-repo", $"{repo}/actions/runs", "200", null),
            ("issues/list-comments", $"{repo}/issues/{pull.Number}/comments", "200", null),
            ("git/get-ref", $"{repo}/git/ref/heads/main", "200", null),
            ("repos/get-content", $"{repo}/contents/README.md", "200", "response-if-content-is-a-file"),
        };

        foreach (var (operation, path, status, example) in cases)
        {
            var actual = await GetAsync(http, github, path, token);
            var expected = JsonNode.Parse(OpenApiExamples.Response(operation, status, example))!;
            AssertHasFieldsOf(expected, actual, operation);
        }

        Assert.That(comment.Id, Is.Positive);
    }

    [Test]
    public async Task Should_answer_with_every_field_of_githubs_examples_when_creating_resources()
    {
        await using var github = await GitHubHarness.StartAsync();
        var selected = github.StandIn.AddInstallation(github.App, GitHubHarness.Owner, repositories: [GitHubHarness.Repo]);
        var (pull, _, _, _) = Seed(github);
        var fix = await github.Repository.CommitFilesAsync("agentic/fix", new Dictionary<string, string?> { ["README.md"] = "# Fixed\n" }, "Fix", CancellationToken.None);
        var client = github.Client;
        var repo = (GitHubHarness.Owner, GitHubHarness.Repo);
        using var http = new HttpClient();

        var results = new (string Operation, string Status, string? Example, JsonNode Actual)[]
        {
            ("pulls/create", "201", null, await SendAsync(http, github, HttpMethod.Post, $"repos/{repo.Owner}/{repo.Repo}/pulls", new { title = "Fix", head = "agentic/fix", @base = "main" })),
            ("pulls/create-review", "200", null, await SendAsync(http, github, HttpMethod.Post, $"repos/{repo.Owner}/{repo.Repo}/pulls/{pull.Number}/reviews", new { @event = "APPROVE", body = "ok" })),
            ("issues/create-comment", "201", null, await SendAsync(http, github, HttpMethod.Post, $"repos/{repo.Owner}/{repo.Repo}/issues/{pull.Number}/comments", new { body = "hi" })),
            ("git/create-ref", "201", null, await SendAsync(http, github, HttpMethod.Post, $"repos/{repo.Owner}/{repo.Repo}/git/refs", new { @ref = "refs/heads/agentic/fix-2", sha = fix })),
            ("checks/create", "201", "example-of-completed-conclusion", await SendAsync(http, github, HttpMethod.Post, $"repos/{repo.Owner}/{repo.Repo}/check-runs", new { name = "agentic", head_sha = fix, conclusion = "success", output = new { title = "t", summary = "s" } })),
            ("apps/create-installation-access-token", "201", null, await SendAsync(http, github, HttpMethod.Post, $"app/installations/{selected.Id}/access_tokens", null, client.AppTokens.CreateJwt())),
        };

        foreach (var (operation, status, example, actual) in results)
        {
            AssertHasFieldsOf(JsonNode.Parse(OpenApiExamples.Response(operation, status, example))!, actual, operation);
        }

        var created = JsonSerializer.Deserialize(results[0].Actual.ToJsonString(), GitHubJsonContext.Default.GitHubPullRequest)!;
        Assert.That(created.Head.Sha, Is.EqualTo(fix));
        Assert.That(created.Base.Repo!.FullName, Is.EqualTo($"{GitHubHarness.Owner}/{GitHubHarness.Repo}"));
    }

    private static (StandInPullRequest Pull, StandInWorkflowRun Run, StandInJob Job, StandInIssueComment Comment) Seed(GitHubHarness github)
    {
        var sha = github.Repository.ReadRef("main")!;
        var pull = github.Repository.AddPullRequest("feature", title: "Feature", headSha: sha);
        pull.Labels.Add("bug");
        var run = github.Repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = sha,
            HeadBranch = "feature",
            Jobs = [new JobSeed { Name = "build", Conclusion = "failure", Log = "boom", Annotations = [new StandInAnnotation { Path = "README.md", StartLine = 1, EndLine = 1, StartColumn = 1, EndColumn = 2, Title = "t", Message = "m", RawDetails = "d" }] }],
        });
        var comment = github.Repository.AddIssueComment(pull.Number, "first");
        return (pull, run, run.Jobs.Single(), comment);
    }

    private static async Task<JsonNode> GetAsync(HttpClient http, GitHubHarness github, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(github.StandIn.BaseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        Assert.That((int)response.StatusCode, Is.EqualTo(200), path);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<JsonNode> SendAsync(HttpClient http, GitHubHarness github, HttpMethod method, string path, object? body, string? bearer = null)
    {
        bearer ??= (await github.Client.AppTokens.GetInstallationTokenAsync(github.Installation.Id, CancellationToken.None)).Token;
        using var request = new HttpRequestMessage(method, new Uri(github.StandIn.BaseUri, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.IsSuccessStatusCode, Is.True, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Every key of <paramref name="expected"/> is in <paramref name="actual"/>; nested objects and first array items likewise.</summary>
    private static void AssertHasFieldsOf(JsonNode expected, JsonNode actual, string where)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                var missing = e.Select(p => p.Key).Where(key => !a.ContainsKey(key)).ToList();
                Assert.That(missing, Is.Empty, $"{where} lacks fields GitHub's example has");
                foreach (var (key, value) in e)
                {
                    // Permission maps and free-form objects differ by app; everything else is compared.
                    if (value is not null && key != "permissions" && a[key] is { } nested)
                    {
                        AssertHasFieldsOf(value, nested, $"{where}.{key}");
                    }
                }

                break;
            case (JsonArray e, JsonArray a) when e.Count > 0 && a.Count > 0 && e[0] is { } first && a[0] is { } mine:
                AssertHasFieldsOf(first, mine, $"{where}[0]");
                break;
            case (JsonObject, _):
                Assert.Fail($"{where}: GitHub's example has an object, the stand-in {actual.GetValueKind()}");
                break;
        }
    }
}
