using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Agentic.StandIns.GitHub;

/// <summary>
/// Webhook deliveries GitHub would send about the stand-in's own model, in GitHub's payload shape (the fields of
/// <c>check_run.completed</c> that integrations read), signed like GitHub signs them.
/// </summary>
public static class StandInWebhooks
{
    /// <summary><c>check_run</c> <c>completed</c> for an Actions job (its check run has the job's id) on a pull request's head.</summary>
    public static JsonObject CheckRunCompleted(StandInRepository repository, long installationId, StandInPullRequest pullRequest, StandInJob job)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(pullRequest);
        ArgumentNullException.ThrowIfNull(job);
        JsonObject Repository() => RepositoryJson(repository);

        return new JsonObject
        {
            ["action"] = "completed",
            ["check_run"] = new JsonObject
            {
                ["id"] = job.Id,
                ["name"] = job.Name,
                ["head_sha"] = pullRequest.HeadSha,
                ["status"] = "completed",
                ["conclusion"] = job.Conclusion,
                ["details_url"] = $"https://github.com/{repository.FullName}/actions/runs/{job.RunId}/job/{job.Id}",
                ["completed_at"] = DateTimeOffset.UtcNow.ToString("O"),
                ["app"] = new JsonObject { ["id"] = GitHubStandIn.ActionsAppId, ["slug"] = "github-actions", ["name"] = "GitHub Actions" },
                ["pull_requests"] = new JsonArray(new JsonObject
                {
                    ["number"] = pullRequest.Number,
                    ["head"] = new JsonObject { ["ref"] = pullRequest.HeadRef, ["sha"] = pullRequest.HeadSha, ["repo"] = Repository() },
                    ["base"] = new JsonObject { ["ref"] = pullRequest.BaseRef, ["sha"] = repository.ReadRef($"refs/heads/{pullRequest.BaseRef}"), ["repo"] = Repository() },
                }),
            },
            ["repository"] = Repository(),
            ["installation"] = new JsonObject { ["id"] = installationId },
            ["sender"] = new JsonObject { ["login"] = "github-actions[bot]", ["type"] = "Bot" },
        };
    }

    /// <summary>The <c>X-Hub-Signature-256</c> header value for <paramref name="body"/>.</summary>
    public static string Sign(byte[] body, string secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary><c>issue_comment</c> <c>created</c> on a pull request's conversation, by a person with <paramref name="association"/> (GitHub's <c>author_association</c>).</summary>
    public static JsonObject IssueCommentCreated(StandInRepository repository, long installationId, StandInPullRequest pullRequest, string body, string user, string association)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(pullRequest);
        JsonObject Person() => new() { ["login"] = user, ["type"] = "User" };
        return new JsonObject
        {
            ["action"] = "created",
            ["issue"] = new JsonObject
            {
                ["number"] = pullRequest.Number,
                ["title"] = pullRequest.Title,
                ["state"] = pullRequest.State,
                ["user"] = new JsonObject { ["login"] = pullRequest.User, ["type"] = "User" },
                ["pull_request"] = new JsonObject { ["url"] = $"https://api.github.com/repos/{repository.FullName}/pulls/{pullRequest.Number}" },
            },
            ["comment"] = new JsonObject
            {
                ["id"] = Random.Shared.NextInt64(1, long.MaxValue),
                ["body"] = body,
                ["user"] = Person(),
                ["author_association"] = association,
            },
            ["repository"] = RepositoryJson(repository),
            ["installation"] = new JsonObject { ["id"] = installationId },
            ["sender"] = Person(),
        };
    }

    /// <summary>POSTs a signed delivery the way GitHub does, with a new <c>X-GitHub-Delivery</c> id.</summary>
    public static Task<HttpResponseMessage> DeliverAsync(HttpClient http, Uri gatewayUrl, string eventName, JsonObject payload, string secret, CancellationToken cancellationToken = default) =>
        DeliverAsync(http, gatewayUrl, eventName, payload, secret, Guid.NewGuid().ToString(), cancellationToken);

    /// <summary>POSTs a signed delivery the way GitHub does, as delivery <paramref name="deliveryId"/> (<c>X-GitHub-Delivery</c>).</summary>
    public static async Task<HttpResponseMessage> DeliverAsync(
        HttpClient http, Uri gatewayUrl, string eventName, JsonObject payload, string secret, string deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(payload);
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, gatewayUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", Sign(body, secret));
        return await http.SendAsync(request, cancellationToken);
    }

    private static JsonObject RepositoryJson(StandInRepository repository) => new()
    {
        ["id"] = repository.Id,
        ["name"] = repository.Name,
        ["full_name"] = repository.FullName,
        ["private"] = repository.Private,
        ["owner"] = new JsonObject { ["login"] = repository.Owner, ["type"] = "Organization" },
        ["default_branch"] = repository.DefaultBranch,
    };
}
