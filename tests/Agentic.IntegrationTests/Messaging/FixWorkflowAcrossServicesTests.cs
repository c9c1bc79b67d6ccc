using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.ServiceDefaults;
using Dapper;
using Npgsql;

namespace Agentic.IntegrationTests.Messaging;

/// <summary>
/// The bus wiring across real service processes: a signed GitHub check_run webhook enters the Ingress Gateway,
/// crosses RabbitMQ to PR Discovery, starts the fix workflow saga in the Result Processor, is answered by the Check
/// Analyzer, and ends as rows in PostgreSQL written by three different processes.
/// </summary>
[NonParallelizable]
public sealed class FixWorkflowAcrossServicesTests
{
    private const string Secret = "integration-test-webhook-secret";
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private string _database = null!;
    private ServiceProcess _gateway = null!;
    private ServiceProcess _discovery = null!;
    private ServiceProcess _results = null!;
    private ServiceProcess _analyzer = null!;
    private ServiceProcess _notifier = null!;

    [OneTimeSetUp]
    public async Task StartServices()
    {
        _database = await TestEnvironment.CreateMigratedDatabaseAsync("wiring");
        var gatewayEnvironment = new Dictionary<string, string?> { ["GitHub__Webhooks__Secrets__0"] = Secret, ["Inbox__RelayInterval"] = "00:00:01" };
        var started = await Task.WhenAll(
            ServiceProcess.StartAsync(ResourceNames.IngressGateway, "IngressGateway", _database, gatewayEnvironment),
            ServiceProcess.StartAsync(ResourceNames.PullRequestDiscovery, "PullRequestDiscovery", _database),
            ServiceProcess.StartAsync(ResourceNames.ResultProcessor, "ResultProcessor", _database),
            ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", _database),
            ServiceProcess.StartAsync(ResourceNames.Notifier, "Notifier", _database));
        (_gateway, _discovery, _results, _analyzer, _notifier) = (started[0], started[1], started[2], started[3], started[4]);
    }

    [OneTimeTearDown]
    public async Task StopServices()
    {
        foreach (var service in new[] { _gateway, _discovery, _results, _analyzer, _notifier }.Where(s => s is not null))
        {
            await service.DisposeAsync();
        }

        _http.Dispose();
    }

    [Test, Order(1)]
    public async Task Should_record_and_escalate_a_failed_check_when_its_webhook_arrives()
    {
        var payload = FailedCheckRun("lint", 9_000_001);

        using var response = await PostAsync(payload, deliveryId: "wiring-1", Secret);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        var workflow = await WaitForFinishedWorkflowAsync("lint");
        await using var connection = new NpgsqlConnection(_database);
        var checkRun = await connection.QuerySingleAsync<(string Name, string Conclusion)>("SELECT name, conclusion FROM check_runs WHERE id = 9000001");
        // The final report is delivered by the Notifier independently of the outcome being recorded: wait for it.
        var report = await PollAsync(() => connection.QuerySingleOrDefaultAsync<(int Sequence, string Status, string Target)>(
            "SELECT sequence, status, target FROM notifications WHERE workflow_id = @Id", new { workflow.Id }), r => r.Status == "completed");
        var published = await connection.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE delivery_id = 'wiring-1') AND NOT EXISTS (SELECT 1 FROM webhook_outbox WHERE delivery_id = 'wiring-1')");
        Assert.Multiple(() =>
        {
            Assert.That(published, Is.True);
            Assert.That(checkRun, Is.EqualTo(("lint", "failure")));
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"));
            Assert.That(workflow.Summary, Does.Contain("could not be analysed"));
            Assert.That(report.Sequence, Is.EqualTo(2), "one in-progress and one final report");
            Assert.That(report.Status, Is.EqualTo("completed"));
            Assert.That(report.Target, Is.EqualTo("Codertocat/Hello-World#2"));
        });
    }

    [Test, Order(2)]
    public async Task Should_start_one_workflow_when_the_same_failure_is_delivered_again()
    {
        var payload = FailedCheckRun("unit-tests", 9_000_002);
        using (var first = await PostAsync(payload, "wiring-2", Secret))
        {
            Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await WaitForFinishedWorkflowAsync("unit-tests");

        using var sameDelivery = await PostAsync(payload, "wiring-2", Secret);
        using var redelivery = await PostAsync(payload, "wiring-2-redelivered", Secret);

        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var connection = new NpgsqlConnection(_database);
        var workflows = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM workflows WHERE check_name = 'unit-tests'");
        var reports = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM notifications n JOIN workflows w ON w.id = n.workflow_id WHERE w.check_name = 'unit-tests'");
        Assert.Multiple(async () =>
        {
            Assert.That(sameDelivery.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await sameDelivery.Content.ReadAsStringAsync(), Does.Contain("duplicate"));
            Assert.That(redelivery.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
            Assert.That(workflows, Is.EqualTo(1));
            Assert.That(reports, Is.EqualTo(1));
        });
    }

    [Test, Order(3)]
    public async Task Should_reject_a_delivery_signed_with_another_secret_and_record_nothing()
    {
        using var response = await PostAsync(FailedCheckRun("forged", 9_000_003), "wiring-forged", "some-other-secret-entirely");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        await using var connection = new NpgsqlConnection(_database);
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'wiring-forged'"), Is.Zero);
    }

    [Test, Order(4)]
    public async Task Should_finish_a_workflow_started_before_the_saga_host_was_killed()
    {
        // With the analyzer stopped the workflow waits in Analysing; the saga host then dies without warning.
        await _analyzer.DisposeAsync();
        using (var response = await PostAsync(FailedCheckRun("restart-check", 9_000_004), "wiring-restart", Secret))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await WaitForSagaStateAsync("restart-check", "Analysing");
        await _results.KillAsync();
        await _results.DisposeAsync();

        _results = await ServiceProcess.StartAsync(ResourceNames.ResultProcessor, "ResultProcessor", _database);
        _analyzer = await ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", _database);

        var workflow = await WaitForFinishedWorkflowAsync("restart-check");
        Assert.That(workflow.Outcome, Is.EqualTo("escalated"));
    }

    [Test, Order(5)]
    public async Task Should_supersede_an_in_flight_workflow_when_someone_pushes_to_the_pull_request()
    {
        await _analyzer.DisposeAsync();
        var failed = FailedCheckRun("supersede-check", 9_000_005);
        using (var response = await PostAsync(failed, "wiring-supersede", Secret))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        await WaitForSagaStateAsync("supersede-check", "Analysing");
        var push = WebhookExamples.Get("pull_request", "synchronize").First();
        push["repository"] = failed["repository"]!.DeepClone();
        push["number"] = 2;
        push["pull_request"]!["number"] = 2;
        push["pull_request"]!["head"]!["sha"] = "f00dfacef00dfacef00dfacef00dfacef00dface";
        push["pull_request"]!["head"]!["repo"] = failed["repository"]!.DeepClone();
        using (var response = await PostAsync(push, "wiring-synchronize", Secret, "pull_request"))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        }

        var workflow = await WaitForFinishedWorkflowAsync("supersede-check");
        _analyzer = await ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", _database);
        Assert.That(workflow.Outcome, Is.EqualTo("superseded"));
    }

    [Test, Order(6)]
    public async Task Should_escalate_a_workflow_whose_step_never_answers_when_its_deadline_passes()
    {
        // No analyzer answers, and the saga host runs with a two-second step deadline swept twice a second.
        await _analyzer.DisposeAsync();
        await _results.DisposeAsync();
        _results = await ServiceProcess.StartAsync(ResourceNames.ResultProcessor, "ResultProcessor", _database, new Dictionary<string, string?>
        {
            ["FixWorkflow__StepTimeout"] = "00:00:02",
            ["FixWorkflow__DeadlineSweepInterval"] = "00:00:00.500",
        });
        using (var response = await PostAsync(FailedCheckRun("stuck-check", 9_000_006), "wiring-stuck", Secret))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        }

        var workflow = await WaitForFinishedWorkflowAsync("stuck-check");
        _analyzer = await ServiceProcess.StartAsync(ResourceNames.CheckAnalyzer, "CheckAnalyzer", _database);
        await using var connection = new NpgsqlConnection(_database);
        var deadline = await connection.ExecuteScalarAsync<string?>(
            "SELECT data->>'DeadlineAt' FROM fix_workflow_sagas WHERE correlation_id = @Id", new { workflow.Id });
        Assert.Multiple(() =>
        {
            Assert.That(workflow.Outcome, Is.EqualTo("escalated"));
            Assert.That(workflow.Summary, Does.StartWith("Timed out: the analysis step did not answer in time"));
            Assert.That(deadline, Is.Null, "a finished workflow keeps no deadline");
            Assert.That(_results.RecentOutput(200), Does.Contain("is overdue in Analysing"));
        });
    }

    private static JsonObject FailedCheckRun(string checkName, long checkRunId)
    {
        var payload = WebhookExamples.Get("check_run", "completed").First(p => (string?)p["check_run"]!["conclusion"] == "failure");
        payload["check_run"]!["name"] = checkName;
        payload["check_run"]!["id"] = checkRunId;
        return payload;
    }

    private async Task<HttpResponseMessage> PostAsync(JsonObject payload, string deliveryId, string secret, string eventName = "check_run")
    {
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_gateway.Url, "/webhooks/github")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", deliveryId);
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)));
        return await _http.SendAsync(request);
    }

    private async Task<FinishedWorkflow> WaitForFinishedWorkflowAsync(string checkName)
    {
        await using var connection = new NpgsqlConnection(_database);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var workflow = await connection.QuerySingleOrDefaultAsync<FinishedWorkflow>(
                "SELECT id, outcome, summary FROM workflows WHERE check_name = @checkName AND finished_at IS NOT NULL", new { checkName });
            if (workflow is not null)
            {
                return workflow;
            }

            await Task.Delay(200);
        }

        var saga = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT current_state || ' ' || data::text FROM fix_workflow_sagas WHERE data->>'CheckName' = @checkName", new { checkName });
        Assert.Fail($"The '{checkName}' workflow did not finish; saga: {saga ?? "none"}.\n{_gateway.RecentOutput(20)}\n{_discovery.RecentOutput(20)}\n" +
                    $"{_results.RecentOutput(30)}\n{_analyzer.RecentOutput(20)}\n{_notifier.RecentOutput(20)}");
        return null!;
    }

    private async Task WaitForSagaStateAsync(string checkName, string state)
    {
        await using var connection = new NpgsqlConnection(_database);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var current = await connection.QuerySingleOrDefaultAsync<string>(
                "SELECT current_state FROM fix_workflow_sagas WHERE data->>'CheckName' = @checkName", new { checkName });
            if (current == state)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"The '{checkName}' saga never reached {state}.\n{_results.RecentOutput(30)}");
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            value = await read();
        }

        return value;
    }

    private sealed record FinishedWorkflow(Guid Id, string Outcome, string Summary);
}
