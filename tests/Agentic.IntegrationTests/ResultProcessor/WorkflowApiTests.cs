using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Dispatch;
using Agentic.Contracts.Execution;
using Agentic.Contracts.Results;
using Agentic.Executor.Persistence;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.LocalServers;
using Agentic.ServiceDefaults;
using Agentic.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.IntegrationTests.ResultProcessor;

/// <summary>
/// The Result Processor's read API over workflows the real saga wrote: its own host on a real port, PostgreSQL, and a
/// broker of its own (the other services' queues on the shared broker stay untouched). Messages the other services
/// would send are published on that bus; the Executor's rows are written by its real store.
/// </summary>
[NonParallelizable]
public sealed class WorkflowApiTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _owner = $"ops{Guid.NewGuid():N}"[..11];
    private RabbitMqServer _broker = null!;
    private string _database = null!;
    private ResultProcessorHost _host = null!;
    private HttpClient _client = null!;
    private IBus _bus = null!;
    private Workflows _workflows = null!;

    [OneTimeSetUp]
    public async Task StartAndSeed()
    {
        _broker = new RabbitMqServer(Path.Combine(TestEnvironment.Root, $"rabbitmq-{Guid.NewGuid():N}"));
        _database = await TestEnvironment.CreateMigratedDatabaseAsync("workflow_api");
        await _broker.StartAsync(CancellationToken.None);
        _host = new ResultProcessorHost(_database, _broker.ConnectionString);
        _host.UseKestrel(FreePort.Find());
        _host.StartServer();
        _client = _host.CreateClient();
        _bus = _host.Services.GetRequiredService<IBus>();
        await _host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
        _workflows = await SeedAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }

    [Test]
    public async Task Should_list_every_workflow_newest_first_with_its_identity_progress_and_step_timing()
    {
        var page = await GetPageAsync("/api/workflows");

        var pushed = page.Items.Single(w => w.Id == _workflows.Pushed);
        var analysing = page.Items.Single(w => w.Id == _workflows.AnalysingOnWidgets);
        Assert.Multiple(() =>
        {
            Assert.That(page.Items.Select(w => w.Id), Is.EqualTo(_workflows.NewestFirst));
            Assert.That(page.Next, Is.Null);

            Assert.That(pushed.Repository, Is.EqualTo($"{_owner}/widgets"));
            Assert.That(pushed.PullRequest, Is.EqualTo(2));
            Assert.That(pushed.HeadSha, Is.EqualTo(HeadSha(2)));
            Assert.That(pushed.CheckName, Is.EqualTo("build"));
            Assert.That(pushed.State, Is.EqualTo("PushedFix"));
            Assert.That(pushed.Active, Is.False);
            Assert.That(pushed.Outcome, Is.EqualTo("Pushed"));
            Assert.That(pushed.Attempts, Is.EqualTo(2));
            Assert.That(pushed.CostUsd, Is.EqualTo(0.035m));
            Assert.That(pushed.FinishedAt, Is.Not.Null, "the outcome row in workflows");
            Assert.That(pushed.DeadlineAt, Is.Null);
            Assert.That(pushed.StepSeconds.Keys, Is.SupersetOf(new[] { "Configuring", "Analysing", "Dispatching", "Executing", "Publishing" }));
            Assert.That(pushed.StepSeconds.Values, Has.All.GreaterThanOrEqualTo(0));
            Assert.That(pushed.Summary, Does.StartWith("Pushed validated fix"));

            Assert.That(analysing.State, Is.EqualTo("Analysing"));
            Assert.That(analysing.Active, Is.True);
            Assert.That(analysing.Outcome, Is.Null);
            Assert.That(analysing.DeadlineAt, Is.GreaterThan(DateTimeOffset.UtcNow));
            Assert.That(analysing.StepStartedAt, Is.Not.Null);
            Assert.That(analysing.StepSeconds.Keys, Is.EquivalentTo(new[] { "Configuring" }));
            Assert.That(analysing.FinishedAt, Is.Null);
        });
    }

    [Test]
    public async Task Should_serve_the_workflows_page_that_reads_the_api_beside_it()
    {
        using var response = await _client.GetAsync(new Uri("/workflows", UriKind.Relative));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
            Assert.That(html, Does.Contain("fetch('api/workflows?limit=50'"), "relative to /workflows: the Result Processor's own /api/workflows");
            Assert.That(html, Does.Not.Contain("<script src").And.Not.Contain("<link "), "no external assets");
        });
    }

    [Test]
    public async Task Should_filter_by_activity_state_name_and_repository()
    {
        var active = await GetPageAsync("/api/workflows?state=active");
        var finished = await GetPageAsync("/api/workflows?state=finished");
        var escalated = await GetPageAsync("/api/workflows?state=escalated");
        var gadgets = await GetPageAsync($"/api/workflows?repository={_owner.ToUpperInvariant()}/Gadgets");
        var activeWidgets = await GetPageAsync($"/api/workflows?state=Analysing&repository={_owner}/widgets");
        var elsewhere = await GetPageAsync("/api/workflows?repository=someone-else/widgets");

        Assert.Multiple(() =>
        {
            Assert.That(active.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.AnalysingOnWidgets, _workflows.AnalysingOnGadgets }));
            Assert.That(finished.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Superseded, _workflows.Pushed, _workflows.Escalated }));
            Assert.That(escalated.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Escalated }), "state names match without regard to case");
            Assert.That(gadgets.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Superseded, _workflows.AnalysingOnGadgets }), "owner/name without regard to case");
            Assert.That(activeWidgets.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.AnalysingOnWidgets }));
            Assert.That(elsewhere.Items, Is.Empty);
        });
    }

    [Test]
    public async Task Should_page_through_everything_once_with_the_next_cursor()
    {
        var seen = new List<Guid>();
        var pages = 0;
        string? next = null;
        do
        {
            var page = await GetPageAsync("/api/workflows?limit=2" + (next is null ? string.Empty : "&before=" + Uri.EscapeDataString(next)));
            Assert.That(page.Items, Has.Count.InRange(1, 2));
            seen.AddRange(page.Items.Select(w => w.Id));
            next = page.Next;
            pages++;
        }
        while (next is not null && pages < 10);

        var finishedPage = await GetPageAsync("/api/workflows?state=finished&limit=1");
        var olderFinished = await GetPageAsync("/api/workflows?state=finished&limit=5&before=" + Uri.EscapeDataString(finishedPage.Next!));
        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(_workflows.NewestFirst));
            Assert.That(pages, Is.EqualTo(3));
            Assert.That(finishedPage.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Superseded }));
            Assert.That(olderFinished.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Pushed, _workflows.Escalated }), "filters hold across pages");
            Assert.That(olderFinished.Next, Is.Null);
        });
    }

    [Test]
    public async Task Should_show_one_workflow_with_its_diagnosis_outcome_and_command_executions()
    {
        var detail = JsonDocument.Parse(await _client.GetStringAsync($"/api/workflows/{_workflows.Pushed}")).RootElement;

        var executions = detail.GetProperty("executions").EnumerateArray().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(detail.GetProperty("id").GetGuid(), Is.EqualTo(_workflows.Pushed));
            Assert.That(detail.GetProperty("repository").GetString(), Is.EqualTo($"{_owner}/widgets"));
            Assert.That(detail.GetProperty("state").GetString(), Is.EqualTo("PushedFix"));
            Assert.That(detail.GetProperty("outcome").GetString(), Is.EqualTo("Pushed"));
            Assert.That(detail.GetProperty("headRef").GetString(), Is.EqualTo("feature-2"));
            Assert.That(detail.GetProperty("category").GetString(), Is.EqualTo("Compile"));
            Assert.That(detail.GetProperty("strategy").GetString(), Is.EqualTo("LlmEdit"));
            Assert.That(detail.GetProperty("confidence").GetDouble(), Is.EqualTo(0.8));
            Assert.That(detail.GetProperty("rootCause").GetString(), Is.EqualTo("Widget.cs calls a method that was renamed."));
            Assert.That(detail.GetProperty("evidence").GetString(), Does.Contain("CS1061"));
            Assert.That(detail.GetProperty("files").EnumerateArray().Select(f => f.GetString()), Is.EqualTo(new[] { "src/Widget.cs" }));
            Assert.That(detail.GetProperty("lastFailure").GetString(), Is.EqualTo("build failed: CS1061"));
            Assert.That(detail.GetProperty("commitSha").GetString(), Is.EqualTo("c0ffee0123456789c0ffee0123456789c0ffee01"));
            Assert.That(detail.GetProperty("summary").GetString(), Is.EqualTo("Pushed validated fix c0ffee0."));

            Assert.That(executions.Select(e => e.GetProperty("attempt").GetInt32()), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(executions.Select(e => e.GetProperty("id").GetGuid()), Is.EqualTo(_workflows.PushedExecutions));
            Assert.That(executions.Select(e => e.GetProperty("command").GetString()), Has.All.EqualTo("apply-diff"));
            Assert.That(executions.Select(e => e.GetProperty("outcome").GetString()), Is.EqualTo(new[] { "ValidationFailed", "Validated" }));
            Assert.That(executions[0].GetProperty("error").GetString(), Is.EqualTo("build failed: CS1061"));
            Assert.That(executions[0].GetProperty("exitCode").GetInt32(), Is.EqualTo(1));
            Assert.That(executions[0].GetProperty("validation")[0].GetProperty("kind").GetString(), Is.EqualTo("build"));
            Assert.That(executions[0].GetProperty("validation")[0].GetProperty("outputTail").GetString(), Does.Contain("CS1061"));
            Assert.That(executions[0].GetProperty("validation")[0].GetProperty("durationSeconds").GetDouble(), Is.EqualTo(4.2));
            Assert.That(executions[0].GetProperty("arguments").GetProperty("diff").GetString(), Does.StartWith("--- a/src/Widget.cs"));
            Assert.That(executions[1].GetProperty("patchBytes").GetInt32(), Is.GreaterThan(0));
            Assert.That(executions[1].GetProperty("durationSeconds").GetDouble(), Is.EqualTo(12.5));
        });
    }

    [TestCase("/api/workflows?state=sleeping", "state")]
    [TestCase("/api/workflows?state=Initial", "state")]
    [TestCase("/api/workflows?repository=widgets", "repository")]
    [TestCase("/api/workflows?repository=octo/widgets/extra", "repository")]
    [TestCase("/api/workflows?repository=octo%27--/x", "repository")]
    [TestCase("/api/workflows?limit=0", "limit")]
    [TestCase("/api/workflows?limit=201", "limit")]
    [TestCase("/api/workflows?limit=ten", "limit")]
    [TestCase("/api/workflows?before=yesterday", "before")]
    [TestCase("/api/workflows?before=2026-13-45T99:00:00Z", "before")]
    [TestCase("/api/workflows/not-a-workflow-id", "id")]
    public async Task Should_answer_400_naming_the_parameter_when_the_input_is_bad(string path, string parameter)
    {
        using var response = await _client.GetAsync(path);

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
            Assert.That(problem.GetProperty("parameter").GetString(), Is.EqualTo(parameter));
            Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(parameter));
        });
    }

    [Test]
    public async Task Should_answer_404_when_no_workflow_has_the_id()
    {
        var unknown = Guid.NewGuid();

        using var response = await _client.GetAsync($"/api/workflows/{unknown}");

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(unknown.ToString()));
        });
    }

    [Test]
    public async Task Should_reach_the_api_through_the_gateway_only_with_the_operator_key()
    {
        var address = _client.BaseAddress!.ToString().TrimEnd('/');
        await using var gateway = new GatewayHost(await TestEnvironment.CreateMigratedDatabaseAsync("gateway_workflows"), TestEnvironment.RabbitMq.ConnectionString,
            new Dictionary<string, string?> { [$"services:{ResourceNames.ResultProcessor}:http:0"] = address });
        var client = gateway.CreateClient();

        using var anonymous = await client.GetAsync("/api/workflows");
        using var wrongKey = new HttpRequestMessage(HttpMethod.Get, $"/api/workflows/{_workflows.Pushed}");
        wrongKey.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-operator-key-at-all-0000");
        using var refused = await client.SendAsync(wrongKey);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", GatewayHost.OperatorKey);
        var listed = JsonSerializer.Deserialize<Page>(await client.GetStringAsync("/api/workflows?state=finished"), Json)!;
        using var detail = await client.GetAsync($"/api/workflows/{_workflows.Escalated}");
        using var invalid = await client.GetAsync("/api/workflows?limit=1000");

        Assert.Multiple(async () =>
        {
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await anonymous.Content.ReadAsStringAsync(), Does.Contain("operator key"));
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(listed.Items.Select(w => w.Id), Is.EqualTo(new[] { _workflows.Superseded, _workflows.Pushed, _workflows.Escalated }));
            Assert.That(detail.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await detail.Content.ReadAsStringAsync(), Does.Contain("the log has expired"));
            Assert.That(invalid.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(await invalid.Content.ReadAsStringAsync(), Does.Contain("limit"));
        });
    }

    /// <summary>
    /// Five workflows, one after another (so their start order is known): escalated, pushed after a failed first attempt,
    /// two left analysing, and one superseded by a push.
    /// </summary>
    private async Task<Workflows> SeedAsync()
    {
        var escalated = await DetectAsync("widgets", 1, "lint");
        await WaitForStateAsync(escalated, "Analysing");
        await _bus.Publish(new CheckFailureAnalysisFailed { CorrelationId = escalated, Reason = "the log has expired" });
        await WaitForFinishedAsync(escalated);

        var pushed = await DetectAsync("widgets", 2, "build");
        await WaitForStateAsync(pushed, "Analysing");
        await _bus.Publish(new CheckFailureAnalyzed
        {
            CorrelationId = pushed,
            Category = FailureCategory.Compile,
            Strategy = FixStrategy.LlmEdit,
            Confidence = 0.8,
            RootCause = "Widget.cs calls a method that was renamed.",
            Evidence = "src/Widget.cs(12,9): error CS1061: 'Gear' does not contain a definition for 'Spin'",
            Files = ["src/Widget.cs"],
            Usage = new LlmUsage { Calls = 1, InputTokens = 900, OutputTokens = 60, CostUsd = 0.01m, Model = "stand-in" },
        });
        var store = new PostgresCommandExecutionStore(_host.Services.GetRequiredService<NpgsqlDataSource>());
        var first = await ExecuteAsync(store, pushed, 1, ExecutionOutcome.ValidationFailed, patch: null, "build failed: CS1061", TimeSpan.FromSeconds(4.2));
        var second = await ExecuteAsync(store, pushed, 2, ExecutionOutcome.Validated, Diff(), error: null, TimeSpan.FromSeconds(12.5));
        await WaitForStateAsync(pushed, "Publishing");
        await _bus.Publish(new FixPushed { CorrelationId = pushed, PullRequest = PullRequest("widgets", 2), CommitSha = "c0ffee0123456789c0ffee0123456789c0ffee01" });
        await WaitForFinishedAsync(pushed);

        var analysingOnGadgets = await DetectAsync("gadgets", 3, "test");
        await WaitForStateAsync(analysingOnGadgets, "Analysing");

        var analysingOnWidgets = await DetectAsync("widgets", 4, "lint");
        await WaitForStateAsync(analysingOnWidgets, "Analysing");

        var superseded = await DetectAsync("gadgets", 5, "format");
        await WaitForStateAsync(superseded, "Analysing");
        await _bus.Publish(new PullRequestHeadMoved
        {
            CorrelationId = superseded,
            PullRequest = PullRequest("gadgets", 5) with { HeadSha = HeadSha(55) },
            PreviousHeadSha = HeadSha(5),
            PushedBy = "octocat",
        });
        await WaitForFinishedAsync(superseded);

        return new Workflows(escalated, pushed, [first, second], analysingOnGadgets, analysingOnWidgets, superseded);
    }

    /// <summary>One attempt: dispatched (as the Command Dispatcher answers), run and recorded by the Executor's store, reported (as the Executor does).</summary>
    private async Task<Guid> ExecuteAsync(
        PostgresCommandExecutionStore store, Guid workflow, int attempt, ExecutionOutcome outcome, string? patch, string? error, TimeSpan duration)
    {
        await WaitForStateAsync(workflow, "Dispatching", attempts: attempt);
        var execution = NewId.NextGuid();
        var arguments = new Dictionary<string, string> { ["diff"] = Diff() };
        await _bus.Publish(new CommandDispatched
        {
            CorrelationId = workflow,
            ExecutionId = execution,
            Command = "apply-diff",
            Arguments = arguments,
            Attempt = attempt,
            Usage = new LlmUsage { Calls = 1, InputTokens = 1200, OutputTokens = 200, CostUsd = 0.0125m },
        });
        await WaitForStateAsync(workflow, "Executing", attempts: attempt);

        var command = new ExecuteCommand
        {
            CorrelationId = workflow,
            ExecutionId = execution,
            PullRequest = PullRequest("widgets", 2),
            Command = "apply-diff",
            Arguments = arguments,
            Attempt = attempt,
            Timeout = TimeSpan.FromMinutes(15),
        };
        var result = new CommandExecuted
        {
            CorrelationId = workflow,
            ExecutionId = execution,
            Outcome = outcome,
            Patch = patch,
            Validation =
            [
                new ValidationStep
                {
                    Kind = "build",
                    CommandLine = "dotnet build",
                    ExitCode = outcome == ExecutionOutcome.Validated ? 0 : 1,
                    Duration = TimeSpan.FromSeconds(4.2),
                    OutputTail = outcome == ExecutionOutcome.Validated ? "Build succeeded." : "src/Widget.cs(12,9): error CS1061",
                },
            ],
            Duration = duration,
            Error = error,
        };
        var claim = await store.ClaimAsync(command, CancellationToken.None);
        Assert.That(claim, Is.TypeOf<ExecutionClaim.Acquired>());
        await store.CompleteAsync(command, result, CancellationToken.None);
        await ((ExecutionClaim.Acquired)claim).Lease.DisposeAsync();
        await _bus.Publish(result);
        return execution;
    }

    private async Task<Guid> DetectAsync(string repository, int number, string check)
    {
        var id = NewId.NextGuid();
        await _bus.Publish(new CheckFailureDetected
        {
            CorrelationId = id,
            PullRequest = PullRequest(repository, number),
            CheckRunId = 7_000_000 + number,
            CheckName = check,
            Conclusion = "failure",
            DetectedAt = DateTimeOffset.UtcNow,
            FromFork = false,
        });
        await WaitForStateAsync(id, state: null);
        return id;
    }

    private PullRequestRef PullRequest(string repository, int number) => new()
    {
        Repository = new RepositoryRef { InstallationId = 42, RepositoryId = repository == "widgets" ? 1001 : 1002, Owner = _owner, Name = repository },
        Number = number,
        HeadSha = HeadSha(number),
        HeadRef = $"feature-{number}",
        BaseRef = "main",
    };

    private static string HeadSha(int number) => number.ToString("x8", CultureInfo.InvariantCulture).PadLeft(40, 'a');

    private static string Diff() => "--- a/src/Widget.cs\n+++ b/src/Widget.cs\n@@ -12 +12 @@\n-        gear.Spin();\n+        gear.Rotate();\n";

    /// <summary>Waits for the saga row (in <paramref name="state"/>, with <paramref name="attempts"/>, when given).</summary>
    private async Task WaitForStateAsync(Guid id, string? state, int? attempts = null)
    {
        await using var connection = new NpgsqlConnection(_database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        (string? State, int Attempts) current = default;
        while (DateTime.UtcNow < deadline)
        {
            current = await connection.QuerySingleOrDefaultAsync<(string?, int)>(
                "SELECT current_state, (data->>'Attempts')::int FROM fix_workflow_sagas WHERE correlation_id = @id", new { id });
            if (current.State is not null && (state is null || current.State == state) && (attempts is null || current.Attempts == attempts))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Workflow {id} did not reach {state ?? "any state"} (attempts {attempts}); it is {current.State ?? "missing"}.");
    }

    /// <summary>Waits for the outcome row the Result Processor's WorkflowFinishedConsumer writes.</summary>
    private async Task WaitForFinishedAsync(Guid id)
    {
        await using var connection = new NpgsqlConnection(_database);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM workflows WHERE id = @id AND finished_at IS NOT NULL)", new { id }))
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"Workflow {id} has no finished row in workflows.");
    }

    private async Task<Page> GetPageAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonSerializer.Deserialize<Page>(body, Json)!;
    }

    private sealed record Workflows(
        Guid Escalated, Guid Pushed, IReadOnlyList<Guid> PushedExecutions, Guid AnalysingOnGadgets, Guid AnalysingOnWidgets, Guid Superseded)
    {
        public IReadOnlyList<Guid> NewestFirst => [Superseded, AnalysingOnWidgets, AnalysingOnGadgets, Pushed, Escalated];
    }

    private sealed record Page(List<Item> Items, string? Next);

    private sealed record Item(
        Guid Id, string Repository, int PullRequest, string HeadSha, string CheckName, string State, bool Active, string? Outcome, int Attempts,
        decimal CostUsd, DateTimeOffset DetectedAt, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, DateTimeOffset? DeadlineAt,
        DateTimeOffset? StepStartedAt, Dictionary<string, double> StepSeconds, string? Summary);
}
