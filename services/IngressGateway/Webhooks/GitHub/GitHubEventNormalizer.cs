using System.Text.Json;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;

namespace Agentic.IngressGateway.Webhooks;

/// <summary>Turns a GitHub webhook payload into the typed event the rest of the system consumes, or null when no one needs it.</summary>
public static class GitHubEventNormalizer
{
    public static object? Normalize(string eventName, string deliveryId, Guid correlationId, JsonElement payload)
    {
        var action = payload.TryGetProperty("action", out var a) ? a.GetString() : null;
        return (eventName, action) switch
        {
            ("check_run", "completed") => CheckRun(deliveryId, correlationId, payload),
            _ => null,
        };
    }

    private static CheckRunCompleted CheckRun(string deliveryId, Guid correlationId, JsonElement payload)
    {
        var repository = Repository(payload);
        var checkRun = payload.GetProperty("check_run");
        var headSha = checkRun.GetProperty("head_sha").GetString()!;
        return new CheckRunCompleted
        {
            CorrelationId = correlationId,
            DeliveryId = deliveryId,
            Repository = repository,
            CheckRunId = checkRun.GetProperty("id").GetInt64(),
            Name = checkRun.GetProperty("name").GetString()!,
            HeadSha = headSha,
            Conclusion = checkRun.TryGetProperty("conclusion", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "unknown",
            CheckSuiteId = checkRun.TryGetProperty("check_suite", out var suite) && suite.ValueKind == JsonValueKind.Object ? suite.GetProperty("id").GetInt64() : null,
            AppSlug = checkRun.TryGetProperty("app", out var app) && app.ValueKind == JsonValueKind.Object && app.TryGetProperty("slug", out var slug) ? slug.GetString() : null,
            DetailsUrl = checkRun.TryGetProperty("details_url", out var url) ? url.GetString() : null,
            CompletedAt = checkRun.TryGetProperty("completed_at", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null,
            PullRequests = checkRun.TryGetProperty("pull_requests", out var prs) && prs.ValueKind == JsonValueKind.Array
                ? prs.EnumerateArray().Select(pr => PullRequest(repository, pr)).ToList()
                : [],
        };
    }

    private static PullRequestRef PullRequest(RepositoryRef repository, JsonElement pr) => new()
    {
        Repository = repository,
        Number = pr.GetProperty("number").GetInt32(),
        HeadSha = pr.GetProperty("head").GetProperty("sha").GetString()!,
        HeadRef = pr.GetProperty("head").GetProperty("ref").GetString()!,
        BaseRef = pr.GetProperty("base").GetProperty("ref").GetString()!,
    };

    private static RepositoryRef Repository(JsonElement payload)
    {
        var repository = payload.GetProperty("repository");
        return new RepositoryRef
        {
            InstallationId = payload.TryGetProperty("installation", out var installation) && installation.ValueKind == JsonValueKind.Object
                ? installation.GetProperty("id").GetInt64()
                : 0,
            RepositoryId = repository.GetProperty("id").GetInt64(),
            Owner = repository.GetProperty("owner").GetProperty("login").GetString()!,
            Name = repository.GetProperty("name").GetString()!,
        };
    }
}
