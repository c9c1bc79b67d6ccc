using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Dispatch;
using Agentic.Contracts.Execution;
using Agentic.Contracts.Notifications;
using Agentic.Contracts.Results;
using Agentic.Contracts.Workflows;
using Agentic.ResultProcessor.Options;
using Agentic.ResultProcessor.StateMachines;
using Agentic.Text;
using Agentic.StandIns;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.ResultProcessor.Tests.StateMachines;

/// <summary>The fix workflow's own logic, on MassTransit's in-memory harness (a fresh one per test).</summary>
public sealed class FixWorkflowStateMachineTests
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ISagaStateMachineTestHarness<FixWorkflowStateMachine, FixWorkflowState> _saga = null!;
    private ManualClock _clock = null!;

    [SetUp]
    public async Task StartHarness()
    {
        _provider = new ServiceCollection()
            .Configure<FixWorkflowOptions>(o => o.MaxAttempts = 2)
            .AddSingleton<TimeProvider>(_clock = new ManualClock())
            .AddSingleton(SecretScrubber.ShapesOnly)
            .AddMassTransitTestHarness(bus => bus.AddSagaStateMachine<FixWorkflowStateMachine, FixWorkflowState>())
            .BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _saga = _harness.GetSagaStateMachineHarness<FixWorkflowStateMachine, FixWorkflowState>();
    }

    [TearDown]
    public async Task StopHarness()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Test]
    public async Task Should_request_the_configuration_and_a_rules_only_triage_together_and_report_progress_when_a_failure_is_detected()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        Assert.That(await _harness.Published.Any<LoadRepositoryConfig>(m => m.Context.Message.CorrelationId == id), Is.True);
        Assert.That(await _harness.Published.Any<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id), Is.True);
        Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.RulesOnly, Is.True,
            "no LLM spend before the repository's configuration is read");
        await _harness.Bus.Publish(Loaded(id));

        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null, "the configuration came first: the workflow waits for the triage");
        Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1));
        var report = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo("in_progress"));
            Assert.That(report.Sequence, Is.EqualTo(1));
            Assert.That(report.Target.Address, Is.EqualTo("octo/widgets#7"));
        });
    }

    [Test]
    public async Task Should_escalate_with_the_reason_when_analysis_fails()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));

        await _harness.Bus.Publish(new CheckFailureAnalysisFailed { CorrelationId = id, Reason = "log expired" });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        Assert.That(await _harness.Published.Any<WorkflowFinished>(m => m.Context.Message.CorrelationId == id), Is.True);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Escalated));
            Assert.That(finished.Summary, Does.Contain("log expired"));
        });
        var final = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id).Last().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(final.Status, Is.EqualTo("completed"));
            Assert.That(final.Sequence, Is.EqualTo(2));
            Assert.That(final.Markdown, Does.Contain("needs a human"));
        });
    }

    [Test]
    public async Task Should_start_one_workflow_when_the_detection_arrives_twice()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));

        await _harness.Bus.Publish(Detected(id));
        Assert.That(await ConsumedAsync<CheckFailureDetected>(m => m.CorrelationId == id, count: 2), Is.True);

        Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Should_retry_up_to_the_cap_then_escalate_when_validation_keeps_failing()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var execution = NewId.NextGuid();
            await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = attempt });
            Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
            await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.ValidationFailed, Validation = [], Duration = TimeSpan.FromSeconds(1), Error = $"tests failed ({attempt})" });
            if (attempt < 2)
            {
                Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
            }
        }

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var dispatches = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(dispatches.Select(d => d.Attempt), Is.EqualTo([1, 2]));
            Assert.That(dispatches[1].PreviousFailure, Is.EqualTo("tests failed (1)"));
        });
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.That(finished.Summary, Does.Contain("2 attempt(s)").And.Contain("tests failed (2)"));
    }

    [Test]
    public async Task Should_not_dispatch_the_same_formatter_again_when_it_changed_nothing_and_escalate_saying_so_without_a_model()
    {
        const string NoOp = "prettier --write --ignore-unknown --no-error-on-unmatched-pattern src/a.ts changed nothing: the failure is not a formatting one the tool fixes";
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic) with { Tool = "prettier", Codes = ["prettier"] });
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        var arguments = new Dictionary<string, string> { ["tool"] = "prettier", ["paths"] = "src/a.ts" };
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "format", Arguments = arguments, Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);

        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.NoChange, Validation = [], Duration = TimeSpan.FromSeconds(1), Error = NoOp });

        Assert.That(await PublishedCountAsync<DispatchCommand>(m => m.CorrelationId == id, 2), Is.True);
        var dispatches = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(dispatches[0].Strategy, Is.EqualTo(FixStrategy.Deterministic));
            Assert.That(dispatches[0].Tool, Is.EqualTo("prettier"), "the analysis' tool reaches the dispatcher");
            Assert.That(dispatches[0].Codes, Is.EqualTo(new[] { "prettier" }));
            Assert.That(dispatches[1].Strategy, Is.EqualTo(FixStrategy.LlmEdit), "the second attempt is never the same deterministic command");
            Assert.That(dispatches[1].Attempt, Is.EqualTo(2));
            Assert.That(dispatches[1].PreviousFailure, Is.EqualTo(NoOp));
        });

        // The dispatcher has no model: it says so with the formatter's result, and the workflow escalates with that reason.
        await _harness.Bus.Publish(new CommandRejected { CorrelationId = id, Reason = NoOp + "; no model is configured to propose code edits" });
        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.That(finished.Summary, Does.Contain("src/a.ts changed nothing: the failure is not a formatting one the tool fixes"));
        Assert.That(_harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1), "the no-op ran once");
    }

    [Test]
    public async Task Should_dispatch_a_dependency_fix_with_the_package_manager_and_the_unresolved_packages()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with
        {
            Category = FailureCategory.Dependency,
            Tool = "npm",
            Codes = ["ETARGET"],
            Packages = ["is-odd"],
            Files = [],
        });

        Assert.That(await PublishedCountAsync<DispatchCommand>(m => m.CorrelationId == id, 1), Is.True);
        var dispatch = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(dispatch.Strategy, Is.EqualTo(FixStrategy.LlmEdit));
            Assert.That(dispatch.Category, Is.EqualTo(FailureCategory.Dependency));
            Assert.That(dispatch.Tool, Is.EqualTo("npm"));
            Assert.That(dispatch.Packages, Is.EqualTo(new[] { "is-odd" }), "the analysis' package names reach the dispatcher");
            Assert.That(dispatch.DependencyFix, Is.True);
        });
    }

    [TestCase(FixStrategy.Deterministic, ExecutionOutcome.NoChange, FixStrategy.LlmEdit)]
    [TestCase(FixStrategy.Deterministic, ExecutionOutcome.ValidationFailed, FixStrategy.LlmEdit)]
    [TestCase(FixStrategy.Deterministic, ExecutionOutcome.TimedOut, FixStrategy.Deterministic)]
    [TestCase(FixStrategy.LlmEdit, ExecutionOutcome.ValidationFailed, FixStrategy.LlmEdit)]
    public void Should_choose_the_next_attempts_strategy_from_the_last_outcome(FixStrategy strategy, ExecutionOutcome outcome, FixStrategy expected)
    {
        Assert.That(FixWorkflowPolicy.StrategyAfter(new FixWorkflowState { Strategy = strategy }, outcome), Is.EqualTo(expected));
    }

    [Test]
    public async Task Should_publish_the_patch_when_validation_passes_and_finish_when_pushed()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "dotnet-format", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Patch = "--- a/x\n+++ b/x\n", Validation = [], Duration = TimeSpan.FromSeconds(3) });
        Assert.That(await _saga.Exists(id, m => m.Publishing), Is.Not.Null);
        Assert.That(await _harness.Published.Any<PublishFixResult>(m => m.Context.Message.CorrelationId == id && m.Context.Message.ExecutionId == execution), Is.True);

        Assert.That(_saga.Sagas.Contains(id)!.FinishedAt, Is.Null);
        _clock.Now += TimeSpan.FromSeconds(4);
        await _harness.Bus.Publish(new FixPushed { CorrelationId = id, PullRequest = PullRequest(), CommitSha = "0123456789abcdef" });

        Assert.That(await _saga.Exists(id, m => m.PushedFix), Is.Not.Null);
        Assert.That(await _harness.Published.Any<WorkflowFinished>(m => m.Context.Message.CorrelationId == id), Is.True);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Pushed));
            Assert.That(_saga.Sagas.Contains(id)!.FinishedAt, Is.EqualTo(_clock.Now));
        });
    }

    [Test]
    public async Task Should_stop_as_superseded_when_someone_pushes_a_new_head()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));

        await _harness.Bus.Publish(new PullRequestHeadMoved { CorrelationId = id, PullRequest = PullRequest() with { HeadSha = "feedface" }, PreviousHeadSha = "abc1234", PushedBy = "octocat" });

        Assert.That(await _saga.Exists(id, m => m.Superseded), Is.Not.Null);
        // A late analysis for the dropped attempt changes nothing.
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await ConsumedAsync<CheckFailureAnalyzed>(m => m.CorrelationId == id), Is.True);
        Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False);
    }

    [Test]
    public async Task Should_rerun_the_job_without_changing_code_when_the_failure_is_infrastructure()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id) with { JobId = 555 });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Rerun) with { Category = FailureCategory.Infrastructure, RootCause = "The runner lost communication." });

        Assert.That(await _saga.Exists(id, m => m.RerunStarted), Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<RerunRequested>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.JobId, Is.EqualTo(555));
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False, "no code change");
            Assert.That(_harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.Outcome, Is.EqualTo(WorkflowOutcome.Rerun));
        });
    }

    [Test]
    public async Task Should_rerun_the_job_without_a_second_attempt_when_the_executor_could_not_reproduce_the_failure()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id) with { JobId = 555 });
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Job = CiJob });
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await PublishedAsync<ExecuteCommand>(m => m.CorrelationId == id), Is.True);

        await _harness.Bus.Publish(new CommandExecuted
        {
            CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.NotReproduced, Validation = [], Duration = TimeSpan.FromSeconds(2),
            Error = "step 5 'Test' of job 'test (20)' passed here on the unchanged head abc1234",
        });

        Assert.That(await _saga.Exists(id, m => m.RerunStarted), Is.Not.Null);
        var executed = _harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(executed.Job, Is.EqualTo(CiJob), "the analysis' job reference travels to the Executor");
            Assert.That(executed.FailureFiles, Is.EqualTo(new[] { "src/a.cs" }));
            Assert.That(_harness.Published.Select<RerunRequested>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.JobId, Is.EqualTo(555));
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1), "not fed back as a failed diff");
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Rerun));
            Assert.That(finished.Summary, Does.Contain("passed when Agentic ran it as CI did on the unchanged head abc1234").And.Contain("re-run"));
        });
    }

    [Test]
    public async Task Should_escalate_naming_the_step_and_both_outputs_when_our_environment_differs_from_ci()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Job = CiJob, Evidence = "FAIL test/a.test.ts > adds\nAssertionError: expected 3 to be 2" });
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);

        await _harness.Bus.Publish(new CommandExecuted
        {
            CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.EnvironmentDiffers, Validation = [], Duration = TimeSpan.FromSeconds(2),
            Error = "Our environment differs from CI's: a command it runs is not installed here (exit 127, command not found)\nsh: 1: vitest: not found",
        });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.That(await PublishedAsync<PostWorkflowReport>(m => m.CorrelationId == id && m.Status == "completed"), Is.True);
        var report = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id).Last().Context.Message.Markdown;
        Assert.Multiple(() =>
        {
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Escalated));
            Assert.That(finished.Summary, Does.Contain("environment differs from CI's").And.Contain("step 'Test' of job 'test (20)' (.github/workflows/ci.yml)"));
            Assert.That(finished.Summary, Does.Contain("a command it runs is not installed here (exit 127, command not found)"), "the Executor's reason, not a generic one");
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1), "not fed back as a failed diff");
            Assert.That(report, Does.Contain("**Our run of the step:**").And.Contain("vitest: not found"));
            Assert.That(report, Does.Contain("**CI's run of the step:**").And.Contain("AssertionError: expected 3 to be 2"));
        });
    }

    [Test]
    public void Should_keep_the_job_reference_and_the_environment_verdict_in_the_stored_saga_json()
    {
        var saga = new FixWorkflowState { CorrelationId = NewId.NextGuid(), Job = CiJob, EnvironmentDiffers = true };

        var stored = System.Text.Json.JsonSerializer.Serialize(saga, Agentic.Persistence.Sagas.PostgresSagaJson.Options);
        var read = System.Text.Json.JsonSerializer.Deserialize<FixWorkflowState>(stored, Agentic.Persistence.Sagas.PostgresSagaJson.Options)!;

        Assert.That(read.Job, Is.EqualTo(CiJob));
        Assert.That(read.EnvironmentDiffers, Is.True);
    }

    [Test]
    public async Task Should_report_every_problem_and_attempt_nothing_when_the_repository_config_is_invalid()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);

        await _harness.Bus.Publish(Loaded(id) with { Problems = [".github/agentic.yml line 3: 'max_attempts' must be a whole number from 1 to 10"] });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var report = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id).Last().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(report.Markdown, Does.Contain("line 3: 'max_attempts' must be a whole number from 1 to 10"));
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).All(m => m.Context.Message.RulesOnly), Is.True,
                "only the free triage ran; no LLM analysis is asked for");
        });
    }

    [Test]
    public async Task Should_diagnose_but_change_nothing_when_the_repository_turned_auto_fix_off()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id), Loaded(id) with { AutoFix = false });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False);
            Assert.That(_harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.Summary, Does.Contain("auto_fix is off"));
        });
    }

    [Test]
    public async Task Should_diagnose_but_never_push_when_the_pull_request_comes_from_a_fork()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id) with { FromFork = true });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { RootCause = "Cart.Total ignores the quantity." });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        var report = _harness.Published.Select<PostWorkflowReport>(m => m.Context.Message.CorrelationId == id).Last().Context.Message;
        var saga = _saga.Sagas.Contains(id)!;
        Assert.Multiple(() =>
        {
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Escalated));
            Assert.That(finished.Summary, Does.StartWith("Fork pull request, pushes not allowed").And.Contain("fork_pull_requests: push").And.Contain("Cart.Total ignores the quantity."));
            Assert.That(report.Markdown, Does.Contain("Fork pull request, pushes not allowed"));
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False, "no fix is even proposed");
            Assert.That(_harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False);
            Assert.That(_harness.Published.Select<PublishFixResult>(m => m.Context.Message.CorrelationId == id).Any(), Is.False, "nothing is pushed");
            Assert.That(saga.FromFork, Is.True);
        });
    }

    [Test]
    public async Task Should_push_a_fix_to_a_fork_when_the_repository_allows_it_on_its_default_branch()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id) with { FromFork = true }, Loaded(id) with { PushToForks = true });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "dotnet-format", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Patch = "--- a/x\n+++ b/x\n", Validation = [], Duration = TimeSpan.FromSeconds(3) });

        Assert.That(await _saga.Exists(id, m => m.Publishing), Is.Not.Null);
        Assert.That(await PublishedAsync<PublishFixResult>(m => m.CorrelationId == id), Is.True);
    }

    [Test]
    public async Task Should_rerun_a_forks_failed_job_when_the_failure_is_infrastructure()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id) with { FromFork = true, JobId = 555 });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Rerun) with { Category = FailureCategory.Infrastructure, RootCause = "The runner lost communication." });

        Assert.That(await _saga.Exists(id, m => m.RerunStarted), Is.Not.Null, "a re-run writes nothing to the fork's branch");
    }

    [Test]
    public async Task Should_send_the_default_branchs_allow_paths_and_the_dependency_fix_flag_with_the_fix()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id), Loaded(id) with { AllowPaths = ["docs/CODEOWNERS"] });

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Category = FailureCategory.Dependency });
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "apply-diff", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        Assert.That(await PublishedAsync<ExecuteCommand>(m => m.CorrelationId == id), Is.True);

        var dispatch = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        var execute = _harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(dispatch.AllowPaths, Is.EqualTo(new[] { "docs/CODEOWNERS" }));
            Assert.That(dispatch.DependencyFix, Is.True);
            Assert.That(execute.AllowPaths, Is.EqualTo(new[] { "docs/CODEOWNERS" }));
            Assert.That(execute.DependencyFix, Is.True);
        });
    }

    [Test]
    public async Task Should_keep_lockfiles_protected_when_the_fix_is_not_a_dependency_fix()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Category = FailureCategory.Test });

        Assert.That(await PublishedAsync<DispatchCommand>(m => m.CorrelationId == id), Is.True);
        var dispatch = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(dispatch.DependencyFix, Is.False);
            Assert.That(dispatch.AllowPaths, Is.Empty);
        });
    }

    [Test]
    public async Task Should_stop_at_once_when_the_pull_request_has_used_its_attempts()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);

        await _harness.Bus.Publish(Loaded(id) with { PullRequestAttempts = 10 });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).All(m => m.Context.Message.RulesOnly), Is.True);

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { NeedsLlm = true });
        Assert.That(await ConsumedAsync<CheckFailureAnalyzed>(m => m.CorrelationId == id), Is.True);

        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).All(m => m.Context.Message.RulesOnly), Is.True,
                "a late triage asking for an LLM diagnosis spends nothing once the workflow has ended");
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False);
        });
    }

    [Test]
    public async Task Should_dispatch_at_once_when_the_triage_answered_before_the_configuration()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await EventuallyAsync(id, saga => saga.Triaged), Is.True);
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null, "the verdict waits for the configuration");
        await _harness.Bus.Publish(Loaded(id));

        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        Assert.That(await PublishedAsync<DispatchCommand>(m => m.CorrelationId == id), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1), "no second analysis");
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        });
    }

    [Test]
    public async Task Should_ask_for_the_llm_diagnosis_with_the_repository_budget_when_the_triage_needs_one()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        var triage = Analyzed(id, FixStrategy.Escalate) with { Category = FailureCategory.Compile, NeedsLlm = true, RootCause = "error CS0103" };
        await _harness.Bus.Publish(triage);
        Assert.That(await EventuallyAsync(id, saga => saga.Triaged), Is.True);
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);

        await _harness.Bus.Publish(Loaded(id) with { BudgetUsd = 0.25m });

        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null);
        Assert.That(await EventuallyAsync(id, saga => saga.LlmRequested), Is.True);
        var diagnosis = _harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id && !m.Context.Message.RulesOnly).Single().Context.Message;
        Assert.That(diagnosis.BudgetUsd, Is.EqualTo(0.25m));

        // The triage's answer again (a redelivery) is stale now; the LLM's verdict decides.
        await _harness.Bus.Publish(triage);
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Category = FailureCategory.Compile, RootCause = "customerId is not declared" });

        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        Assert.That(await PublishedAsync<DispatchCommand>(m => m.CorrelationId == id), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.RootCause, Is.EqualTo("customerId is not declared"));
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Should_escalate_with_the_reason_once_configured_when_the_triage_failed_first()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        await _harness.Bus.Publish(new CheckFailureAnalysisFailed { CorrelationId = id, Reason = "log expired" });
        Assert.That(await EventuallyAsync(id, saga => saga.Triaged), Is.True);
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);

        await _harness.Bus.Publish(Loaded(id));

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        Assert.That(await PublishedAsync<WorkflowFinished>(m => m.CorrelationId == id), Is.True);
        Assert.That(_harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message.Summary,
            Is.EqualTo("The failure could not be analysed: log expired"));
    }

    [Test]
    public async Task Should_stop_before_running_an_edit_when_its_cost_would_exceed_the_budget()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id), Loaded(id) with { BudgetUsd = 0.10m });
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit) with { Usage = new LlmUsage { Calls = 1, InputTokens = 5000, OutputTokens = 500, CostUsd = 0.06m } });
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);

        await _harness.Bus.Publish(new CommandDispatched
        {
            CorrelationId = id,
            ExecutionId = NewId.NextGuid(),
            Command = "apply-diff",
            Arguments = new Dictionary<string, string>(),
            Attempt = 1,
            Usage = new LlmUsage { Calls = 1, InputTokens = 6000, OutputTokens = 800, CostUsd = 0.05m },
        });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(finished.CostUsd, Is.EqualTo(0.11m));
            Assert.That(finished.Summary, Does.Contain("budget"));
            Assert.That(_harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Any(), Is.False, "the edit was not run");
        });
    }

    [Test]
    public async Task Should_escalate_when_a_step_passes_its_deadline_and_ignore_the_notice_before_that()
    {
        var id = NewId.NextGuid();
        await StartAsync(Detected(id));
        var saga = _saga.Sagas.Contains(id)!;
        Assert.That(saga.DeadlineAt, Is.EqualTo(_clock.Now + new FixWorkflowOptions().StepTimeout));

        // A notice that arrives before the deadline (a clock skew, a stale notice) changes nothing.
        await _harness.Bus.Publish(new FixWorkflowDeadlinePassed { CorrelationId = id, State = "Analysing", DeadlineAt = saga.DeadlineAt!.Value });
        Assert.That(await _harness.Consumed.Any<FixWorkflowDeadlinePassed>(m => m.Context.Message.CorrelationId == id), Is.True);
        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null);

        _clock.Now += TimeSpan.FromMinutes(11);
        await _harness.Bus.Publish(new FixWorkflowDeadlinePassed { CorrelationId = id, State = "Analysing", DeadlineAt = saga.DeadlineAt!.Value });

        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(finished.Outcome, Is.EqualTo(WorkflowOutcome.Escalated));
            Assert.That(finished.Summary, Does.StartWith("Timed out: the analysis step did not answer in time").And.Contain("No change was pushed"));
            Assert.That(_saga.Sagas.Contains(id)!.DeadlineAt, Is.Null, "a finished workflow has no deadline left to sweep");
            Assert.That(_saga.Sagas.Contains(id)!.StepSeconds["Analysing"], Is.EqualTo(660), "time per step is recorded on leaving it");
        });
    }

    [Test]
    public async Task Should_give_each_step_its_own_deadline_so_a_notice_for_an_earlier_step_is_ignored()
    {
        var id = NewId.NextGuid();
        var caps = new FixWorkflowOptions();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);

        // The analysis step's deadline passes while the dispatch has just started: the dispatch has a fresh deadline.
        _clock.Now += TimeSpan.FromMinutes(9);
        var execution = NewId.NextGuid();
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "format", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        Assert.That(_saga.Sagas.Contains(id)!.DeadlineAt, Is.EqualTo(_clock.Now + caps.ExecutionTimeout));

        _clock.Now += caps.StepTimeout + TimeSpan.FromMinutes(1);
        await _harness.Bus.Publish(new FixWorkflowDeadlinePassed { CorrelationId = id, State = "Dispatching", DeadlineAt = _clock.Now - TimeSpan.FromMinutes(2) });
        Assert.That(await _harness.Consumed.Any<FixWorkflowDeadlinePassed>(m => m.Context.Message.CorrelationId == id), Is.True);
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null, "execution may take longer than the other steps");

        _clock.Now += caps.ExecutionTimeout;
        await _harness.Bus.Publish(new FixWorkflowDeadlinePassed { CorrelationId = id, State = "Executing", DeadlineAt = _clock.Now });
        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
        var finished = _harness.Published.Select<WorkflowFinished>(m => m.Context.Message.CorrelationId == id).Single().Context.Message;
        Assert.That(finished.Summary, Does.Contain("execution and validation step"));

        // The Executor's result arriving after the escalation changes nothing. (The harness's own waits run on the
        // clock this test moved, so this one polls in real time.)
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Patch = "diff", Validation = [], Duration = TimeSpan.FromHours(1) });
        Assert.That(await Polling.UntilAsync(() => _harness.Consumed.Select<CommandExecuted>(m => m.Context.Message.CorrelationId == id).Any()), Is.True);
        Assert.That(await _harness.Published.Any<PublishFixResult>(m => m.Context.Message.CorrelationId == id), Is.False);
        Assert.That(await _saga.Exists(id, m => m.Escalated), Is.Not.Null);
    }

    [Test]
    public async Task Should_resend_the_lost_configuration_request_and_triage_and_finish_when_a_configuring_workflow_stalls()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        var saga = _saga.Sagas.Contains(id)!;

        // The saga host died after committing the row: its commands never reached the broker. The sweeper notices.
        await _harness.Bus.Publish(Stalled(id, "Configuring", saga.Steps, redrives: 0));
        Assert.That(await PublishedCountAsync<LoadRepositoryConfig>(m => m.CorrelationId == id, 2), Is.True, "the configuration request is sent again");
        Assert.That(await PublishedCountAsync<AnalyzeCheckFailure>(m => m.CorrelationId == id, 2), Is.True, "the unanswered triage is sent again");
        Assert.Multiple(() =>
        {
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message.RulesOnly), Is.All.True);
            Assert.That(_saga.Sagas.Contains(id)!.Redrives, Is.EqualTo(1));
        });

        await _harness.Bus.Publish(Loaded(id));
        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null);
        Assert.That(_saga.Sagas.Contains(id)!.Redrives, Is.Zero, "a new step starts with its own re-drives");
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "dotnet-format", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Patch = "--- a/x\n+++ b/x\n", Validation = [], Duration = TimeSpan.FromSeconds(3) });
        Assert.That(await _saga.Exists(id, m => m.Publishing), Is.Not.Null);
        await _harness.Bus.Publish(new FixPushed { CorrelationId = id, PullRequest = PullRequest(), CommitSha = "0123456789abcdef" });

        Assert.That(await _saga.Exists(id, m => m.PushedFix), Is.Not.Null);
        Assert.That(_saga.Sagas.Contains(id)!.Patch, Is.Null, "a finished workflow keeps no patch in its row");
    }

    [Test]
    public async Task Should_resend_each_later_steps_command_with_the_ids_it_had_when_that_step_stalls()
    {
        var id = NewId.NextGuid();
        var execution = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Stalled(id, "Analysing", _saga.Sagas.Contains(id)!.Steps, redrives: 0));
        Assert.That(await PublishedCountAsync<AnalyzeCheckFailure>(m => m.CorrelationId == id, 2), Is.True, "the triage is asked again while it has not answered");

        await _harness.Bus.Publish(Analyzed(id, FixStrategy.Deterministic));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(Stalled(id, "Dispatching", _saga.Sagas.Contains(id)!.Steps, redrives: 0));
        Assert.That(await PublishedCountAsync<DispatchCommand>(m => m.CorrelationId == id, 2), Is.True);
        var dispatches = _harness.Published.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message).ToList();
        Assert.That(dispatches[1], Is.EqualTo(dispatches[0]).Using<DispatchCommand>((a, b) => a.Attempt == b.Attempt && a.RootCause == b.RootCause && a.Strategy == b.Strategy));

        var arguments = new Dictionary<string, string> { ["path"] = "src" };
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = execution, Command = "dotnet-format", Arguments = arguments, Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        // The re-driven dispatch answered too, with another execution id: the workflow has moved past it.
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = NewId.NextGuid(), Command = "dotnet-format", Arguments = arguments, Attempt = 1 });
        await _harness.Bus.Publish(Stalled(id, "Executing", _saga.Sagas.Contains(id)!.Steps, redrives: 0));
        Assert.That(await PublishedCountAsync<ExecuteCommand>(m => m.CorrelationId == id, 2), Is.True);
        var executions = _harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(executions.Select(e => e.ExecutionId), Is.All.EqualTo(execution), "the Executor recognises the re-sent command by its execution id");
            Assert.That(executions[1].Command, Is.EqualTo("dotnet-format"));
            Assert.That(executions[1].Arguments, Is.EquivalentTo(arguments));
        });

        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = execution, Outcome = ExecutionOutcome.Validated, Patch = "--- a/x\n+++ b/x\n", Validation = [], Duration = TimeSpan.FromSeconds(3) });
        Assert.That(await _saga.Exists(id, m => m.Publishing), Is.Not.Null);
        await _harness.Bus.Publish(Stalled(id, "Publishing", _saga.Sagas.Contains(id)!.Steps, redrives: 0));
        Assert.That(await PublishedCountAsync<PublishFixResult>(m => m.CorrelationId == id, 2), Is.True);
        var publishes = _harness.Published.Select<PublishFixResult>(m => m.Context.Message.CorrelationId == id).Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(publishes[1].ExecutionId, Is.EqualTo(execution), "the publisher finds its earlier commit by this id");
            Assert.That(publishes[1].Patch, Is.EqualTo(publishes[0].Patch));
            Assert.That(publishes[1].CommitMessage, Is.EqualTo(publishes[0].CommitMessage));
        });
    }

    [Test]
    public async Task Should_change_nothing_when_a_stall_notice_arrives_after_the_workflow_moved_on()
    {
        var id = NewId.NextGuid();
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        var configuringStep = _saga.Sagas.Contains(id)!.Steps;
        await _harness.Bus.Publish(Loaded(id));
        Assert.That(await _saga.Exists(id, m => m.Analysing), Is.Not.Null);

        // Seen in Configuring before the configuration arrived; and one naming the current state but an earlier step.
        await _harness.Bus.Publish(Stalled(id, "Configuring", configuringStep, redrives: 0));
        await _harness.Bus.Publish(Stalled(id, "Analysing", configuringStep, redrives: 0));
        Assert.That(await Polling.UntilAsync(() => _saga.Consumed.Select<FixWorkflowStalled>(m => m.Context.Message.CorrelationId == id).Count() == 2), Is.True);

        var saga = _saga.Sagas.Contains(id)!;
        Assert.Multiple(() =>
        {
            Assert.That(saga.CurrentState, Is.EqualTo("Analysing"));
            Assert.That(saga.Redrives, Is.Zero);
            Assert.That(_harness.Published.Select<LoadRepositoryConfig>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1));
            Assert.That(_harness.Published.Select<AnalyzeCheckFailure>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_stop_re_driving_a_step_at_the_cap_and_ignore_a_duplicate_notice()
    {
        var id = NewId.NextGuid();
        var cap = new FixWorkflowOptions().MaxRedrives;
        await _harness.Bus.Publish(Detected(id));
        Assert.That(await _saga.Exists(id, m => m.Configuring), Is.Not.Null);
        var step = _saga.Sagas.Contains(id)!.Steps;

        for (var redrive = 0; redrive < cap; redrive++)
        {
            await _harness.Bus.Publish(Stalled(id, "Configuring", step, redrive));
            Assert.That(await PublishedCountAsync<LoadRepositoryConfig>(m => m.CorrelationId == id, redrive + 2), Is.True);
        }

        // A duplicate of the last notice (two sweepers), then one past the cap.
        await _harness.Bus.Publish(Stalled(id, "Configuring", step, cap - 1));
        await _harness.Bus.Publish(Stalled(id, "Configuring", step, cap));
        Assert.That(await Polling.UntilAsync(() => _saga.Consumed.Select<FixWorkflowStalled>(m => m.Context.Message.CorrelationId == id).Count() == cap + 2), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(_saga.Sagas.Contains(id)!.Redrives, Is.EqualTo(cap));
            Assert.That(_harness.Published.Select<LoadRepositoryConfig>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(cap + 1));
            Assert.That(_saga.Sagas.Contains(id)!.CurrentState, Is.EqualTo("Configuring"), "after the cap only the deadline is left");
        });
    }

    [Test]
    public async Task Should_ignore_a_late_dispatch_answer_of_an_earlier_attempt_while_dispatching_a_retry()
    {
        var id = NewId.NextGuid();
        var first = NewId.NextGuid();
        await StartAsync(Detected(id));
        await _harness.Bus.Publish(Analyzed(id, FixStrategy.LlmEdit));
        Assert.That(await _saga.Exists(id, m => m.Dispatching), Is.Not.Null);
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = first, Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        Assert.That(await _saga.Exists(id, m => m.Executing), Is.Not.Null);
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = first, Outcome = ExecutionOutcome.ValidationFailed, Validation = [], Duration = TimeSpan.FromSeconds(1), Error = "tests failed" });
        Assert.That(await EventuallyAsync(id, s => s.CurrentState == "Dispatching" && s.Attempts == 2), Is.True);

        // The first attempt's re-driven dispatch answers late, and the first result is redelivered.
        await _harness.Bus.Publish(new CommandDispatched { CorrelationId = id, ExecutionId = NewId.NextGuid(), Command = "llm-edit", Arguments = new Dictionary<string, string>(), Attempt = 1 });
        await _harness.Bus.Publish(new CommandExecuted { CorrelationId = id, ExecutionId = first, Outcome = ExecutionOutcome.ValidationFailed, Validation = [], Duration = TimeSpan.FromSeconds(1), Error = "tests failed" });
        Assert.That(await Polling.UntilAsync(() => _saga.Consumed.Select<CommandExecuted>(m => m.Context.Message.CorrelationId == id).Count() == 2
                                                     && _saga.Consumed.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == id).Count() == 2), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(_saga.Sagas.Contains(id)!.CurrentState, Is.EqualTo("Dispatching"));
            Assert.That(_harness.Published.Select<ExecuteCommand>(m => m.Context.Message.CorrelationId == id).Count(), Is.EqualTo(1));
        });
    }

    /// <summary>
    /// Whether the workflow published a <typeparamref name="T"/> within 30 s. Polls: once the harness has been idle,
    /// <c>Published.Any</c> no longer waits for later messages.
    /// </summary>
    private Task<bool> PublishedAsync<T>(Func<T, bool> match)
        where T : class =>
        Polling.UntilAsync(() => _harness.Published.Select<T>(m => match(m.Context.Message)).Any());

    /// <summary>Whether the instance satisfies <paramref name="condition"/> within 30 s.</summary>
    private Task<bool> EventuallyAsync(Guid id, Func<FixWorkflowState, bool> condition) =>
        Polling.UntilAsync(() => _saga.Sagas.Contains(id) is { } saga && condition(saga));

    /// <summary>Whether the saga has handled <paramref name="count"/> matching <typeparamref name="T"/> within 30 s (a consumed message is recorded once handled).</summary>
    private Task<bool> ConsumedAsync<T>(Func<T, bool> match, int count = 1)
        where T : class =>
        Polling.UntilAsync(() => _harness.Consumed.Select<T>(m => match(m.Context.Message)).Count() >= count);

    private async Task StartAsync(CheckFailureDetected detected, RepositoryConfigLoaded? loaded = null)
    {
        await _harness.Bus.Publish(detected);
        Assert.That(await _saga.Exists(detected.CorrelationId, m => m.Configuring), Is.Not.Null);
        await _harness.Bus.Publish(loaded ?? Loaded(detected.CorrelationId));
        Assert.That(await _saga.Exists(detected.CorrelationId, m => m.Analysing), Is.Not.Null);
    }

    /// <summary>Whether exactly <paramref name="count"/> matching <typeparamref name="T"/> have been published within 30 s.</summary>
    private Task<bool> PublishedCountAsync<T>(Func<T, bool> match, int count)
        where T : class =>
        Polling.UntilAsync(() => _harness.Published.Select<T>(m => match(m.Context.Message)).Count() == count);

    private FixWorkflowStalled Stalled(Guid id, string state, int step, int redrives) => new()
    {
        CorrelationId = id,
        State = state,
        Step = step,
        Redrives = redrives,
        StalledSince = _clock.Now,
    };

    private static RepositoryConfigLoaded Loaded(Guid id) => new()
    {
        CorrelationId = id,
        Found = false,
        AutoFix = true,
        OpenPullRequest = false,
        Problems = [],
    };

    private static PullRequestRef PullRequest() => new()
    {
        Repository = new RepositoryRef { InstallationId = 1, RepositoryId = 42, Owner = "octo", Name = "widgets" },
        Number = 7,
        HeadSha = "abc1234def",
        HeadRef = "feature",
        BaseRef = "main",
    };

    private static CheckFailureDetected Detected(Guid id) => new()
    {
        CorrelationId = id,
        PullRequest = PullRequest(),
        CheckRunId = 99,
        CheckName = "build",
        Conclusion = "failure",
        DetectedAt = DateTimeOffset.UtcNow,
        FromFork = false,
    };

    private static readonly CiJobReference CiJob = new()
    {
        WorkflowPath = ".github/workflows/ci.yml",
        JobName = "test (20)",
        FailedStepName = "Test",
        FailedStepNumber = 5,
        FailedStepCommand = "npm test",
    };

    private static CheckFailureAnalyzed Analyzed(Guid id, FixStrategy strategy) => new()
    {
        CorrelationId = id,
        Category = FailureCategory.FormatOrLint,
        Strategy = strategy,
        Confidence = 0.9,
        RootCause = "whitespace",
        Evidence = "error: whitespace",
        Files = ["src/a.cs"],
        Usage = new LlmUsage { Calls = 0, InputTokens = 0, OutputTokens = 0, CostUsd = 0m },
    };

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
