using System.Text.RegularExpressions;
using Agentic.CommandDispatcher.Tests.Infrastructure;
using Agentic.Contracts.Common;
using Agentic.Contracts.Dispatch;
using Agentic.StandIns.Llm;

namespace Agentic.CommandDispatcher.Tests.Consumers;

/// <summary>The dispatcher wired from configuration as the service wires it: files from the GitHub stand-in (real git), the model behind the OpenAI-compatible stand-in.</summary>
public sealed class DispatcherWiringTests
{
    [Test]
    public async Task Should_dispatch_the_models_diff_when_it_edits_a_file_read_at_the_head_commit()
    {
        await using var harness = await DispatcherHarness.StartAsync(withLlm: true, new Dictionary<string, string?> { [Diffs.CartPath] = Diffs.Cart });
        var headSha = await harness.Repository.CommitFilesAsync("feature/cart", new Dictionary<string, string?> { ["tests/CartTests.cs"] = "// the failing test\n" }, "Test the total", CancellationToken.None);
        harness.Llm!.Enqueue(new OpenAiScriptedReply($"```diff\n{Diffs.FixCart}```", PromptTokens: 3_000, CompletionTokens: 400));
        var request = Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test, pullRequest: harness.PullRequest(headSha));

        await harness.Bus.Bus.Publish(request);

        Assert.That(await harness.Bus.Published.Any<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId), Is.True);
        var dispatched = harness.Bus.Published.Select<CommandDispatched>(m => m.Context.Message.CorrelationId == request.CorrelationId).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(dispatched.Command, Is.EqualTo("apply-diff"));
            Assert.That(dispatched.Arguments["diff"], Is.EqualTo(Diffs.FixCart));
            Assert.That(dispatched.Usage?.InputTokens, Is.EqualTo(3_000));
            Assert.That(dispatched.Usage?.OutputTokens, Is.EqualTo(400));
            Assert.That(dispatched.Usage?.CostUsd, Is.EqualTo(0.69m)); // 3 × 0.15 + 0.4 × 0.6
            Assert.That(dispatched.Usage?.Model, Is.EqualTo("gpt-test"));
        });
        var asked = harness.Llm.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(asked.Model, Is.EqualTo("gpt-test"));
            Assert.That(asked.Authorization, Is.EqualTo("Bearer " + DispatcherHarness.ApiKey));
            Assert.That(asked.Messages[1], Does.Match($"<untrusted-file-path-(?<nonce>[0-9a-f]{{32}})>\n{Regex.Escape(Diffs.CartPath)}\n</untrusted-file-path-\\k<nonce>>\n<untrusted-file-content-\\k<nonce>>\n{Regex.Escape(Diffs.Cart)}</untrusted-file-content-\\k<nonce>>"));
            Assert.That(asked.Messages[1], Does.Contain("head " + headSha));
            Assert.That(asked.Messages, Has.None.Contain(DispatcherHarness.ApiKey));
        });
    }

    [Test]
    public async Task Should_reject_an_llm_edit_when_the_configuration_names_no_model()
    {
        await using var harness = await DispatcherHarness.StartAsync(withLlm: false, new Dictionary<string, string?> { [Diffs.CartPath] = Diffs.Cart });
        var request = Requests.Dispatch(FixStrategy.LlmEdit, FailureCategory.Test, pullRequest: harness.PullRequest(harness.Repository.ReadRef("main")!));

        await harness.Bus.Bus.Publish(request);

        Assert.That(await harness.Bus.Published.Any<CommandRejected>(m => m.Context.Message.CorrelationId == request.CorrelationId), Is.True);
        var rejected = harness.Bus.Published.Select<CommandRejected>(m => m.Context.Message.CorrelationId == request.CorrelationId).Single().Context.Message;
        Assert.That(rejected.Reason, Is.EqualTo("no model is configured to propose code edits"));
    }
}
