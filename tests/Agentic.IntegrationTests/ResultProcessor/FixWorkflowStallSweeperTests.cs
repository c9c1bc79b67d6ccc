using System.Collections.Concurrent;
using System.Diagnostics;
using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Workflows;
using Agentic.Persistence.Sagas;
using Agentic.ResultProcessor.Extensions;
using Agentic.ResultProcessor.Options;
using Agentic.ResultProcessor.StateMachines;
using Agentic.StandIns;
using Agentic.Text;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.IntegrationTests.ResultProcessor;

/// <summary>
/// The stall sweep's query against real PostgreSQL (the migrated <c>fix_workflow_sagas</c> with its <c>redrives</c>
/// column), and the re-drive through the real saga repository: a workflow whose row committed but whose commands were
/// lost (a killed saga host) gets them again.
/// </summary>
public sealed class FixWorkflowStallSweeperTests
{
    private static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(60);

    private NpgsqlDataSource _dataSource = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    [SetUp]
    public async Task Start()
    {
        _dataSource = NpgsqlDataSource.Create(await TestEnvironment.CreateMigratedDatabaseAsync("stall_sweep"));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_dataSource);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(SecretScrubber.ShapesOnly);
        services.Configure<FixWorkflowOptions>(o => o.StallAfter = StallAfter);
        services.AddSingleton<FixWorkflowStallSweeper>();
        // Without the saga's definition (its PostgreSQL outbox delivers by Send, which the harness does not count as Published).
        services.AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<FixWorkflowStateMachine, FixWorkflowState>()
            .PostgresRepository(HostingExtensions.FixWorkflowTable));
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task Stop()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        await _dataSource.DisposeAsync();
    }

    [Test]
    public async Task Should_find_only_active_workflows_without_progress_that_have_re_drives_left()
    {
        var caps = new FixWorkflowOptions();
        var stalled = await InsertAsync("Configuring", active: true, redrives: 0, idle: StallAfter * 2);
        var stalledAgain = await InsertAsync("Executing", active: true, redrives: 1, idle: StallAfter * 3);
        await InsertAsync("Analysing", active: true, redrives: 0, idle: StallAfter / 2);
        // A re-driven step waits twice as long before the next re-drive.
        await InsertAsync("Dispatching", active: true, redrives: 1, idle: StallAfter * 1.5);
        await InsertAsync("Publishing", active: true, redrives: caps.MaxRedrives, idle: TimeSpan.FromMinutes(9));
        await InsertAsync("Escalated", active: false, redrives: 0, idle: TimeSpan.FromHours(1));
        await InsertAsync("PushedFix", active: false, redrives: 1, idle: TimeSpan.FromHours(1));

        var found = await Sweeper.FindStalledAsync(CancellationToken.None);

        Assert.That(found.Select(f => (f.CorrelationId, f.State, f.Step, f.Redrives)),
            Is.EqualTo(new[] { (stalledAgain, "Executing", 4, 1), (stalled, "Configuring", 4, 0) }), "oldest first");
    }

    [Test]
    public async Task Should_resend_the_lost_commands_of_a_workflow_that_stalled_in_configuring_and_wait_again_after_the_re_drive()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(new CheckFailureDetected
        {
            CorrelationId = id,
            PullRequest = new PullRequestRef
            {
                Repository = new RepositoryRef { InstallationId = 1, RepositoryId = 42, Owner = "octo", Name = "widgets" },
                Number = 7,
                HeadSha = "abc1234def",
                HeadRef = "feature",
                BaseRef = "main",
            },
            CheckRunId = 99,
            CheckName = "build",
            Conclusion = "failure",
            DetectedAt = DateTimeOffset.UtcNow,
            FromFork = false,
        });
        Assert.That(await Polling.UntilAsync(async () => await StateAsync(id) == "Configuring"), Is.True);
        Assert.That(await Sweeper.SweepOnceAsync(CancellationToken.None), Is.Zero, "a workflow that just moved has not stalled");

        // The row committed, the commands never reached the broker (the host died), and a minute went by.
        await AgeAsync(id, StallAfter + TimeSpan.FromSeconds(1));
        Assert.That(await Sweeper.SweepOnceAsync(CancellationToken.None), Is.EqualTo(1));

        Assert.That(await Polling.UntilAsync(() => _harness.Published.Select<LoadRepositoryConfig>(m => m.Context.Message.CorrelationId == id).Count() == 2), Is.True);
        Assert.That(await Polling.UntilAsync(async () => await RedrivesAsync(id) == 1), Is.True, "the re-drive is counted in the row");
        Assert.That(_harness.Published.Select<Agentic.Contracts.Analysis.AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(2));
        Assert.That(await Sweeper.SweepOnceAsync(CancellationToken.None), Is.Zero, "the re-drive restarted the wait");
    }

    [Test]
    public async Task Should_re_drive_a_stalled_workflow_in_the_trace_it_began_in()
    {
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "MassTransit" or "Agentic",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var id = NewId.NextGuid();
        ActivityTraceId began;
        using (var webhook = new Activity("webhook").Start())
        {
            began = webhook.TraceId;
            await _harness.Bus.Publish(Detected(id));
        }

        Assert.That(await Polling.UntilAsync(async () => await StateAsync(id) == "Configuring"), Is.True);
        await AgeAsync(id, StallAfter + TimeSpan.FromSeconds(1));
        Assert.That(Activity.Current, Is.Null, "the sweep runs outside any trace, as its timer does");
        Assert.That(await Sweeper.SweepOnceAsync(CancellationToken.None), Is.EqualTo(1));

        // The saga's handling of the notice, and the commands it re-sends, are in the workflow's trace.
        Assert.That(await Polling.UntilAsync(() => stopped.Any(a => a.OperationName.EndsWith(" process", StringComparison.Ordinal)
            && (a.GetTagItem("messaging.masstransit.message_types") as string)?.Contains(nameof(FixWorkflowStalled), StringComparison.Ordinal) == true)), Is.True);
        var handled = stopped.Where(a => (a.GetTagItem("messaging.masstransit.message_types") as string)?.Contains(nameof(FixWorkflowStalled), StringComparison.Ordinal) == true);
        Assert.That(handled.Select(a => a.TraceId).Distinct(), Is.EqualTo(new[] { began }));
    }

    private static CheckFailureDetected Detected(Guid id) => new()
    {
        CorrelationId = id,
        PullRequest = new PullRequestRef
        {
            Repository = new RepositoryRef { InstallationId = 1, RepositoryId = 42, Owner = "octo", Name = "widgets" },
            Number = 7,
            HeadSha = "abc1234def",
            HeadRef = "feature",
            BaseRef = "main",
        },
        CheckRunId = 99,
        CheckName = "build",
        Conclusion = "failure",
        DetectedAt = DateTimeOffset.UtcNow,
        FromFork = false,
    };

    private FixWorkflowStallSweeper Sweeper => _provider.GetRequiredService<FixWorkflowStallSweeper>();

    private async Task<Guid> InsertAsync(string state, bool active, int redrives, TimeSpan idle)
    {
        var id = NewId.NextGuid();
        var data = new Dictionary<string, object?>
        {
            ["CorrelationId"] = id,
            ["CurrentState"] = state,
            ["Steps"] = 4,
            ["Redrives"] = redrives,
            ["DeadlineAt"] = active ? DateTimeOffset.UtcNow.AddMinutes(10) : null,
        };
        await using var connection = await _dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            $"""
            INSERT INTO {HostingExtensions.FixWorkflowTable} (correlation_id, current_state, version, data, updated_at)
            VALUES (@id, @state, 1, @data::jsonb, now() - make_interval(secs => @seconds))
            """,
            new { id, state, data = System.Text.Json.JsonSerializer.Serialize(data), seconds = idle.TotalSeconds });
        return id;
    }

    private async Task AgeAsync(Guid id, TimeSpan idle)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"UPDATE {HostingExtensions.FixWorkflowTable} SET updated_at = now() - make_interval(secs => @seconds) WHERE correlation_id = @id",
            new { id, seconds = idle.TotalSeconds });
    }

    private async Task<string?> StateAsync(Guid id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<string>($"SELECT current_state FROM {HostingExtensions.FixWorkflowTable} WHERE correlation_id = @id", new { id });
    }

    private async Task<int> RedrivesAsync(Guid id)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<int>($"SELECT redrives FROM {HostingExtensions.FixWorkflowTable} WHERE correlation_id = @id", new { id });
    }
}
