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
        JsonObject Repository() => new()
        {
            ["id"] = repository.Id,
            ["name"] = repository.Name,
            ["full_name"] = repository.FullName,
            ["private"] = repository.Private,
            ["owner"] = new JsonObject { ["login"] = repository.Owner, ["type"] = "Organization" },
            ["default_branch"] = repository.DefaultBranch,
        };

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

    /// <summary>POSTs a signed delivery the way GitHub does.</summary>
    public static async Task<HttpResponseMessage> DeliverAsync(HttpClient http, Uri gatewayUrl, string eventName, JsonObject payload, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(payload);
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, gatewayUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", Sign(body, secret));
        return await http.SendAsync(request, cancellationToken);
    }
}
