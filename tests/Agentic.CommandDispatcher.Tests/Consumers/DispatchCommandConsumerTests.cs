using Agentic.CommandDispatcher.Consumers;
using Agentic.CommandDispatcher.Editing;
using Agentic.CommandDispatcher.Options;
using Agentic.CommandDispatcher.Registries;
using Agentic.CommandDispatcher.Tests.Infrastructure;
using Agentic.Contracts.Common;
using Agentic.Contracts.Dispatch;
using Agentic.Llm;
using Agentic.StandIns;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.CommandDispatcher.Tests.Consumers;

/// <summary>The consumer's own logic on MassTransit's in-memory harness (a fresh one per test), with a scripted model.</summary>
public sealed class DispatchCommandConsumerTests
{
    private ScriptedChatClient _model = null!;
    private LlmChatClientProvider _llm = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    [TearDown]
    public async Task StopHarness()
    {
        _model.Release(); // a consumer a failed test left waiting for the model must not hold the harness's stop
        await _harness.Stop();
        await _provider.DisposeAsync();
        _llm.Dispose();
        _model.Dispose();
    }

    [Test]
    public async Task Should_dispatch_format_without_asking_the_model_when_the_failure_is_format_or_lint()
    {
        await StartAsync(withModel: true);
        var request = Requests.Dispatch(FixStrategy.Deterministic, FailureCategory.FormatOrLint, attempt: 1);

        var dispatched = await DispatchedFor(request);

        Assert.Multiple(() =>
        {
            Assert.That(dispatched.Command, Is.EqualTo("format"));
            Assert.That(dispatched.Arguments, Is.EqualTo(new Dictionary<string, string> { ["paths"] = Diffs.CartPath }));
            Assert.That(dispatched.Attempt, Is.EqualTo(1));
            Assert.That(dispatched.ExecutionId, Is.EqualTo(DispatchCommandConsumer.ExecutionId(request.CorrelationId, 1)));
            Assert.That(dispatched.Usage, Is.Null);
            Assert.That(_model.Calls, Is.Empty);
        });
    }

    [TestCase(FixStrategy.Deterministic, FailureCategory.Compile)]
    [TestCase(FixStrategy.Deterministic, FailureCategory.Test)]
    [TestCase(FixStrategy.Escalate, FailureCategory.Test)]
    [TestCase(FixStrategy.Rerun, FailureCategory.Flaky)]
    [TestCase(FixStrategy.Rerun, FailureCategory.FormatOrLint)]
    public async Task Should_reject_naming_the_category_and_strategy_when_no_library_command_fits(FixStrategy strategy, FailureCategory category)
    {
        await StartAsync(withModel: true);
        var request = Requests.Dispatch(strategy, category);

        var rejected = await RejectedFor(request);

        Assert.That(rejected.Reason, Is.EqualTo($"no library command fits a {category} failure with strategy {strategy}"));
        Assert.That(rejected.Usage, Is.Null);
        Assert.That(_model.Calls, Is.Empty);
    }

    [Test]
    public async Task Should_reject_when_the_strategy_is_unknown()
    {
        await StartAsync(withModel: true);
        var request = Requests.Dispatch((FixStrategy)42, FailureCategory.FormatOrLint);

        var rejected = await RejectedFor(request);

        Assert.That(rejected.Reason, Is.EqualTo("no library command fits a FormatOrLint failure with strategy 42"));
    }

    [Test]
    public async Task Should_dispatch_format_with_the_analysis_tool_and_files_when_the_analysis_named_them()
    {
        await StartAsync(withModel: true);
        var request = Requests.Dispatch(FixStrategy.Deterministic, FailureCategory.FormatOrLint, files: ["src/a.js", "/etc/passwd", "../x.js", "src/b.js"]) with { Tool = "xo", Codes = ["no-var"] };

        var dispatched = await DispatchedFor(request);

        Assert.That(dispatched.Arguments, Is.EqualTo(new Dictionary<string, string> { ["tool"] = "xo", ["paths"] = "src/a.js\nsrc/b.js" }));
        Assert.That(_model.Calls, Is.Empty);
    }

    [Test]
    public async Task Should_reject_an_llm_edit_after_a_formatter_no_op_saying_what_ran_when_no_model_is_configured()
    {
        await StartAsync(withModel: false);
        const string NoOp = "prettier --write --ignore-unknown --no-error-on-unmatched-pattern src/a.ts changed nothing: the failure is not a formatting one the tool fixes";

        var rejected = await RejectedFor(Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.FormatOrLint, attempt: 2, previousFailure: NoOp));

        Assert.That(rejected.Reason, Is.EqualTo(NoOp + "; no model is configured to propose code edits"));
    }

    [Test]
    public async Task Should_reject_an_llm_edit_clearly_when_no_model_is_configured()
    {
        await StartAsync(withModel: false);

        var rejected = await RejectedFor(Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test));

        Assert.That(rejected.Reason, Is.EqualTo("no model is configured to propose code edits"));
        Assert.That(rejected.Usage, Is.Null);
    }

    [Test]
    public async Task Should_dispatch_apply_diff_with_the_diff_and_its_cost_when_the_model_proposes_a_valid_one()
    {
        await StartAsync(withModel: true);
        _model.Reply($"```diff\n{Diffs.FixCart}```", inputTokens: 2_000, outputTokens: 500);
        var request = Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test, attempt: 2, previousFailure: "CartTests failed");

        var dispatched = await DispatchedFor(request);

        Assert.Multiple(() =>
        {
            Assert.That(dispatched.Command, Is.EqualTo("apply-diff"));
            Assert.That(dispatched.Arguments, Is.EqualTo(new Dictionary<string, string> { ["diff"] = Diffs.FixCart }));
            Assert.That(dispatched.Attempt, Is.EqualTo(2));
            Assert.That(dispatched.ExecutionId, Is.EqualTo(DispatchCommandConsumer.ExecutionId(request.CorrelationId, 2)));
            Assert.That(dispatched.Usage?.Calls, Is.EqualTo(1));
            Assert.That(dispatched.Usage?.CostUsd, Is.EqualTo(0.6m)); // 2 × 0.15 + 0.5 × 0.6
            Assert.That(_model.Calls, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_reject_with_the_reason_and_the_cost_when_the_model_proposes_a_refused_diff()
    {
        await StartAsync(withModel: true);
        _model.Reply(Diffs.FixCart + Diffs.Create(".github/workflows/ci.yml"), inputTokens: 1_000, outputTokens: 1_000);

        var rejected = await RejectedFor(Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test));

        Assert.That(rejected.Reason, Is.EqualTo("the proposed diff was refused: '.github/workflows/ci.yml': workflow files are never changed"));
        Assert.That(rejected.Usage?.CostUsd, Is.EqualTo(0.75m));
    }

    [Test]
    public async Task Should_reject_with_the_models_reason_when_it_finds_no_fix()
    {
        await StartAsync(withModel: true);
        _model.Reply("NO_FIX: the test depends on the system clock.");

        var rejected = await RejectedFor(Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test));

        Assert.That(rejected.Reason, Is.EqualTo("the model proposed no fix: the test depends on the system clock."));
        Assert.That(rejected.Usage?.Calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Should_dispatch_the_same_execution_when_the_request_is_redelivered()
    {
        await StartAsync(withModel: true);
        var request = Requests.Dispatch(FixStrategy.Deterministic, FailureCategory.FormatOrLint, attempt: 3);

        await _harness.Bus.Publish(request);
        await _harness.Bus.Publish(request);
        Assert.That(await Polling.UntilAsync(() => _harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Count() == 2), Is.True, "two answers");

        var executions = _harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Select(m => m.Context.Message.ExecutionId).ToList();
        Assert.That(executions, Has.Count.EqualTo(2));
        Assert.That(executions.Distinct(), Is.EqualTo(new[] { DispatchCommandConsumer.ExecutionId(request.CorrelationId, 3) }));
    }

    [Test]
    public async Task Should_ask_the_model_once_when_the_same_attempt_is_requested_again_while_the_model_is_still_answering()
    {
        await StartAsync(withModel: true);
        _model.Hold();
        _model.Reply($"```diff\n{Diffs.FixCart}```", inputTokens: 2_000, outputTokens: 500);
        var request = Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test, attempt: 1);

        await _harness.Bus.Publish(request);
        Assert.That(await Polling.UntilAsync(() => _model.Calls.Count == 1), Is.True, "the model is being asked");
        // The workflow re-drives the stalled dispatch while the model is still thinking.
        await _harness.Bus.Publish(request);
        // The harness records a message once its consumer is done: the first still waits for the model.
        Assert.That(await Polling.UntilAsync(() => _harness.Consumed.Select<DispatchCommand>(m => m.Context.Message.CorrelationId == request.CorrelationId).Count() == 1), Is.True,
            "the repeated request is handled while the first is still asking the model");
        _model.Release();

        Assert.That(await Polling.UntilAsync(() => Answered(request)), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(_model.Calls, Has.Count.EqualTo(1), "the model is paid once for one attempt");
            Assert.That(_harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Single().Context.Message.ExecutionId,
                Is.EqualTo(DispatchCommandConsumer.ExecutionId(request.CorrelationId, 1)));
        });
    }

    private async Task StartAsync(bool withModel)
    {
        _model = new ScriptedChatClient();
        var files = new InMemoryFileSource(new Dictionary<string, string> { [Diffs.CartPath] = Diffs.Cart });
        _llm = withModel
            ? new LlmChatClientProvider(_model, "gpt-test", new LlmOptions { Provider = LlmOptions.OpenAi, Model = "gpt-test", InputCostPer1KTokens = 0.15m, OutputCostPer1KTokens = 0.6m })
            : new LlmChatClientProvider(client: null, "gpt-test");
        _provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton(_llm)
            .AddSingleton<IRepositoryFileSource>(files)
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new LlmEditOptions()))
            .AddSingleton(Microsoft.Extensions.Options.Options.Create(new RegistryOptions()))
            .AddSingleton(new PackageRegistry(new HttpClient(), Microsoft.Extensions.Options.Options.Create(new RegistryOptions())))
            .AddSingleton<LlmEditProposer>()
            .AddSingleton<DispatchesInFlight>()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<DispatchCommandConsumer>())
            .BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    private async Task<CommandDispatched> DispatchedFor(DispatchCommand request)
    {
        await _harness.Bus.Publish(request);
        Assert.That(await Polling.UntilAsync(() => Answered(request)), Is.True, "nothing was dispatched or rejected");
        Assert.That(_harness.Published.Select<CommandRejected>(m => m.Context.Message.CorrelationId == request.CorrelationId), Is.Empty);
        return _harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Single().Context.Message;
    }

    /// <summary>Whether the consumer has answered <paramref name="request"/> either way (polled, not the harness's inactivity).</summary>
    private bool Answered(DispatchCommand request) =>
        _harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Any()
        || _harness.Published.Select<CommandRejected>(m => m.Context.Message.CorrelationId == request.CorrelationId).Any();

    private async Task<CommandRejected> RejectedFor(DispatchCommand request)
    {
        await _harness.Bus.Publish(request);
        Assert.That(await Polling.UntilAsync(() => Answered(request)), Is.True, "nothing was dispatched or rejected");
        Assert.That(_harness.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId), Is.Empty);
        return _harness.Published.Select<CommandRejected>(m => m.Context.Message.CorrelationId == request.CorrelationId).Single().Context.Message;
    }
}
