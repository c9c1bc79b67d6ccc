using System.Globalization;
using System.Net;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.ServiceDefaults;
using Agentic.StandIns.GitHub;
using Dapper;
using Npgsql;

namespace Agentic.IntegrationTests.Workflows;

/// <summary>
/// Every service as its own process, against the test PostgreSQL and RabbitMQ and a GitHub stand-in as the given App:
/// the system a user runs, for end-to-end tests. The gateway starts last, once every consumer is bound.
/// </summary>
public sealed class RunningSystem : IAsyncDisposable
{
    public const string WebhookSecret = "end-to-end-webhook-secret";

    private readonly List<ServiceProcess> _services;

    private RunningSystem(string database, List<ServiceProcess> services)
    {
        Database = database;
        _services = services;
    }

    public string Database { get; }

    public Uri GitHubWebhookUrl => new(_services[^1].Url, "/webhooks/github");

    public static Task<RunningSystem> StartAsync(
        string database, GitHubStandIn gitHub, StandInApp app, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["GitHub__Api__BaseUrl"] = gitHub.BaseUri.ToString(),
            ["GitHub__Api__App__AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub__Api__App__PrivateKey"] = app.PrivateKeyPem,
            ["GitHub__Api__RateLimit__MinimumWriteInterval"] = "00:00:00",
            ["GitHub__Webhooks__Secrets__0"] = WebhookSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            environment[key] = value;
        }

        return StartAsync(database, environment);
    }

    /// <summary>Every service with <paramref name="settings"/> (GitHub__* withheld from the Executor), the gateway on <paramref name="gatewayUrl"/> or a free port.</summary>
    public static async Task<RunningSystem> StartAsync(string database, IReadOnlyDictionary<string, string?> settings, Uri? gatewayUrl = null)
    {
        var environment = new Dictionary<string, string?>
        {
            ["Executor__WorkspaceRoot"] = Path.Combine(TestEnvironment.Root, $"workspaces-{Guid.NewGuid():N}"),
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        // As the AppHost runs it: no GitHub credential for the Executor, which asks the Result Processor (ADR-008).
        var executorEnvironment = environment.ToDictionary(
            pair => pair.Key, pair => pair.Key.StartsWith("GitHub__", StringComparison.OrdinalIgnoreCase) ? null : pair.Value);
        var services = (await Task.WhenAll(
            ServiceProcess.StartAsync(ResourceNames.PullRequestDiscovery, "PullRequestDiscovery", database, environment),
            ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", database, environment),
            ServiceProcess.StartAsync(ResourceNames.CommandDispatcher, "CommandDispatcher", database, environment),
            ServiceProcess.StartAsync(ResourceNames.Executor, "Executor", database, executorEnvironment),
            ServiceProcess.StartAsync(ResourceNames.ResultProcessor, "ResultProcessor", database, environment),
            ServiceProcess.StartAsync(ResourceNames.Notifier, "Notifier", database, environment))).ToList();
        services.Add(await ServiceProcess.StartAsync(ResourceNames.IngressGateway, "IngressGateway", database, environment, gatewayUrl));
        return new RunningSystem(database, services);
    }

    /// <summary>The last lines of every service's output, for a failure message.</summary>
    public string RecentOutput(int lines = 25) => string.Join("\n", _services.Select(s => $"--- {s.Name}\n{s.RecentOutput(lines)}"));

    /// <summary>GitHub's <c>check_run.completed</c> for a failed Actions job on the PR's head, signed and delivered.</summary>
    public async Task DeliverFailedCheckAsync(StandInRepository repository, long installationId, StandInPullRequest pullRequest, StandInJob job)
    {
        using var http = new HttpClient();
        using var response = await StandInWebhooks.DeliverAsync(http, GitHubWebhookUrl, "check_run",
            StandInWebhooks.CheckRunCompleted(repository, installationId, pullRequest, job), WebhookSecret);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
    }

    /// <summary>The repository's workflow once it has finished and its final report had time to be posted.</summary>
    public Task<FinishedWorkflow> WaitForFinishedAsync(StandInRepository repository, TimeSpan timeout) => WaitForFinishedAsync(repository.Id, timeout);

    /// <summary>The workflow of the repository with id <paramref name="repositoryId"/> once it has finished and its final report had time to be posted.</summary>
    public async Task<FinishedWorkflow> WaitForFinishedAsync(long repositoryId, TimeSpan timeout)
    {
        await using var connection = new NpgsqlConnection(Database);
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var workflow = await connection.QuerySingleOrDefaultAsync<FinishedWorkflow>(
                "SELECT id, outcome, summary FROM workflows WHERE repository_id = @Id AND finished_at IS NOT NULL", new { Id = repositoryId });
            if (workflow is not null && await ReportedAsync(connection, workflow.Id))
            {
                return workflow;
            }

            await Task.Delay(500);
        }

        var saga = await connection.QueryFirstOrDefaultAsync<string>(
            "SELECT s.current_state || ' ' || left(s.data::text, 1500) FROM fix_workflow_sagas s JOIN workflows w ON w.id = s.correlation_id WHERE w.repository_id = @Id",
            new { Id = repositoryId });
        Assert.Fail($"The workflow did not finish; saga: {saga ?? "none"}\n" + RecentOutput());
        return null!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }

    // The Notifier delivers the final report on its own; a test reading the PR comment waits for it.
    private static Task<bool> ReportedAsync(NpgsqlConnection connection, Guid workflowId) =>
        connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM notifications WHERE workflow_id = @workflowId AND status = 'completed' AND delivered_sequence = sequence)",
            new { workflowId });
}

public sealed record FinishedWorkflow(Guid Id, string Outcome, string Summary);
