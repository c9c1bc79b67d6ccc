using Agentic.CheckAnalyzer.Analysis;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Common;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;

namespace Agentic.CheckAnalyzer.Tests.Analysis;

public sealed class FailureAnalysisServiceTests
{
    // Names a file the log does not: only the LLM's verdict can carry it.
    private const string AnswerNamingAnotherFile = """{"root_cause":"CustomerId lost its implicit conversion","strategy":"llm_edit","confidence":0.7,"files":["src/Shop.Domain/Customers/CustomerId.cs"]}""";

    private const string ValidAnswer = """{"root_cause":"OrderService uses an undeclared variable customerId","strategy":"llm_edit","confidence":0.82,"files":["src/Shop.Api/Orders/OrderService.cs"]}""";

    [Test]
    public async Task Should_use_the_llm_verdict_and_record_tokens_when_the_answer_is_valid()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue(new OpenAiScriptedReply(ValidAnswer, PromptTokens: 1200, CompletionTokens: 60));
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        var analyzed = outcome.Analyzed!;
        Assert.That(analyzed.Category, Is.EqualTo(FailureCategory.Compile));
        Assert.That(analyzed.Strategy, Is.EqualTo(FixStrategy.LlmEdit));
        Assert.That(analyzed.RootCause, Is.EqualTo("OrderService uses an undeclared variable customerId"));
        Assert.That(analyzed.Confidence, Is.EqualTo(0.82));
        Assert.That(analyzed.Files, Is.EqualTo(new List<string> { "src/Shop.Api/Orders/OrderService.cs" }));
        Assert.That(analyzed.Usage.Calls, Is.EqualTo(1));
        Assert.That(analyzed.Usage.InputTokens, Is.EqualTo(1200));
        Assert.That(analyzed.Usage.OutputTokens, Is.EqualTo(60));
        Assert.That(analyzed.Usage.CostUsd, Is.EqualTo(0.000216m));
        var sent = harness.Llm.Requests.Single();
        Assert.That(sent.Authorization, Is.EqualTo("Bearer sk-test-secret"));
        Assert.That(sent.Model, Is.EqualTo("gpt-test"));
        Assert.That(sent.Messages[1], Does.Contain("error CS0103"));
        Assert.That(sent.Messages[1], Does.Not.Contain("Shop.Domain15.dll"));
        Assert.That(harness.Store.Rows.Single().InputTokens, Is.EqualTo(1200));
    }

    [Test]
    public async Task Should_fetch_the_job_log_through_the_redirect_without_credentials_when_the_check_is_an_actions_job()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Evidence, Does.Contain("error CS0103"));
        Assert.That(harness.GitHub.LogDownloads.Single(), Is.EqualTo(new StandInLogDownload(request.JobId!.Value, 200, false)));
        Assert.That(outcome.Analyzed.Strategy, Is.EqualTo(FixStrategy.Escalate), "compile without an LLM escalates with the diagnosis");
        Assert.That(outcome.Analyzed.Usage.Calls, Is.Zero);
    }

    [Test]
    public async Task Should_fall_back_to_the_rules_when_the_llm_answer_is_not_valid_json()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue("Sure! The problem is a missing variable. {root_cause: oops");
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        var analyzed = outcome.Analyzed!;
        Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1));
        Assert.That(analyzed.Category, Is.EqualTo(FailureCategory.Compile));
        Assert.That(analyzed.RootCause, Does.Contain("CS0103"));
        Assert.That(analyzed.Files, Is.EqualTo(new List<string> { "src/Shop.Api/Orders/OrderService.cs" }));
        Assert.That(analyzed.Usage.Calls, Is.EqualTo(1), "the rejected call still cost tokens");
    }

    [Test]
    public async Task Should_retry_the_llm_call_through_the_resilience_handler_when_the_provider_answers_503()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true, extra: new Dictionary<string, string?>
        {
            ["CheckAnalyzer:Llm:RetryDelay"] = "00:00:00.050",
        });
        harness.Llm!.Enqueue(new OpenAiScriptedReply("overloaded", StatusCode: 503));
        harness.Llm.Enqueue(new OpenAiScriptedReply(ValidAnswer, PromptTokens: 1200, CompletionTokens: 60));
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(harness.Llm.Requests, Has.Count.EqualTo(2));
        Assert.That(outcome.Analyzed!.RootCause, Is.EqualTo("OrderService uses an undeclared variable customerId"));
    }

    [Test]
    public async Task Should_stop_after_the_configured_retries_when_the_provider_keeps_failing()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true, extra: new Dictionary<string, string?>
        {
            ["CheckAnalyzer:Llm:MaxRetries"] = "1",
            ["CheckAnalyzer:Llm:RetryDelay"] = "00:00:00.050",
        });
        harness.Llm!.DefaultReply = new OpenAiScriptedReply("overloaded", StatusCode: 503);
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        // The failure is the consumer's to handle (MassTransit's redelivery), after one call and one retry: the SDK's
        // own retries (three more for OpenAI's) are off.
        Assert.That(async () => await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None), Throws.Exception.Message.Contains("503"));
        Assert.That(harness.Llm.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Should_make_no_llm_call_when_the_failure_is_format_or_lint()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        var request = harness.AddFailedJob(Fixture.Read("prettier.log"), checkName: "format");

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(outcome.Analyzed.Strategy, Is.EqualTo(FixStrategy.Deterministic));
        Assert.That(harness.Llm!.Requests, Is.Empty);
    }

    [Test]
    public async Task Should_make_no_llm_call_when_the_same_reduced_log_was_analysed_before()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue(AnswerNamingAnotherFile);
        var first = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));
        var second = harness.AddFailedJob(Fixture.Read("actions-dotnet.log").Replace("2024-05-01T12", "2024-05-02T08", StringComparison.Ordinal), checkName: "build-linux");
        await harness.Analyzer.AnalyzeAsync(first, CancellationToken.None);

        var outcome = await harness.Analyzer.AnalyzeAsync(second, CancellationToken.None);

        Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1));
        Assert.That(outcome.Analyzed!.RootCause, Is.EqualTo("CustomerId lost its implicit conversion"));
        Assert.That(outcome.Analyzed.Files, Does.Contain("src/Shop.Domain/Customers/CustomerId.cs"), "the cached verdict's files come with it");
        Assert.That(outcome.Analyzed.Usage.Calls, Is.Zero);
    }

    [Test]
    public async Task Should_republish_the_stored_verdict_without_an_llm_call_when_the_request_is_redelivered()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue(AnswerNamingAnotherFile);
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));
        var first = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        var again = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1));
        Assert.That(harness.Store.Rows, Has.Count.EqualTo(1));
        Assert.That(harness.GitHub.LogDownloads, Has.Count.EqualTo(1), "the stored evidence is answered again, the log is not fetched twice");
        Assert.That(again.Analyzed!.RootCause, Is.EqualTo(first.Analyzed!.RootCause));
        Assert.That(again.Analyzed.Files, Is.EqualTo(first.Analyzed.Files).And.Contain("src/Shop.Domain/Customers/CustomerId.cs"), "the LLM's files survive a redelivery");
        Assert.That(again.Analyzed.Evidence, Is.EqualTo(first.Analyzed.Evidence).And.Contain("error CS0103"));
        Assert.That((again.Analyzed.Usage.Calls, again.Analyzed.Usage.InputTokens, again.Analyzed.Usage.CostUsd), Is.EqualTo((first.Analyzed.Usage.Calls, first.Analyzed.Usage.InputTokens, first.Analyzed.Usage.CostUsd)));
    }

    [Test]
    public async Task Should_call_no_llm_and_record_nothing_when_a_triage_finds_a_failure_that_needs_a_diagnosis()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue(new OpenAiScriptedReply(ValidAnswer, PromptTokens: 1200, CompletionTokens: 60));
        var request = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"));

        var triage = (await harness.Analyzer.AnalyzeAsync(request with { RulesOnly = true }, CancellationToken.None)).Analyzed!;

        Assert.Multiple(() =>
        {
            Assert.That(triage.NeedsLlm, Is.True);
            Assert.That(triage.Category, Is.EqualTo(FailureCategory.Compile));
            Assert.That(triage.Usage.Calls, Is.Zero);
            Assert.That(harness.Llm.Requests, Is.Empty, "no token is spent before the workflow allows it");
            Assert.That(harness.Store.Rows, Is.Empty, "a provisional verdict is not the workflow's analysis");
        });

        var diagnosis = (await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None)).Analyzed!;

        Assert.Multiple(() =>
        {
            Assert.That(diagnosis.NeedsLlm, Is.False);
            Assert.That(diagnosis.RootCause, Is.EqualTo("OrderService uses an undeclared variable customerId"));
            Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1));
            Assert.That(harness.Store.Rows, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_answer_a_triage_in_full_when_the_rules_suffice_or_the_llm_cache_knows_the_log()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        harness.Llm!.Enqueue(AnswerNamingAnotherFile);
        var format = harness.AddFailedJob(Fixture.Read("prettier.log"), checkName: "format");
        await harness.Analyzer.AnalyzeAsync(harness.AddFailedJob(Fixture.Read("actions-dotnet.log")), CancellationToken.None);
        var sameLog = harness.AddFailedJob(Fixture.Read("actions-dotnet.log"), checkName: "build-linux");

        var formatTriage = (await harness.Analyzer.AnalyzeAsync(format with { RulesOnly = true }, CancellationToken.None)).Analyzed!;
        var cachedTriage = (await harness.Analyzer.AnalyzeAsync(sameLog with { RulesOnly = true }, CancellationToken.None)).Analyzed!;

        Assert.Multiple(() =>
        {
            Assert.That((formatTriage.NeedsLlm, formatTriage.Strategy), Is.EqualTo((false, FixStrategy.Deterministic)));
            Assert.That(cachedTriage.NeedsLlm, Is.False);
            Assert.That(cachedTriage.RootCause, Is.EqualTo("CustomerId lost its implicit conversion"));
            Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1), "only the first, full analysis called the LLM");
            Assert.That(harness.Store.Rows, Has.Count.EqualTo(3));
        });
    }

    [Test]
    public async Task Should_classify_flaky_when_the_same_check_passed_in_another_attempt_on_the_same_commit()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true);
        var request = harness.AddFailedJob(Fixture.Read("pytest.log"), checkName: "test", passedInAnotherAttempt: true);

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.Flaky));
        Assert.That(outcome.Analyzed.Strategy, Is.EqualTo(FixStrategy.Rerun));
        Assert.That(harness.Llm!.Requests, Is.Empty);
    }

    [Test]
    public async Task Should_read_output_and_annotations_when_the_check_is_from_another_ci()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var checkRun = harness.Repository.AddCheckRun("external/lint", AnalyzerHarness.HeadSha, annotations:
        [
            new StandInAnnotation { Path = "src/components/Cart.tsx", StartLine = 4, EndLine = 4, Message = "'useMemo' is defined but never used", Title = "@typescript-eslint/no-unused-vars" },
            new StandInAnnotation { Path = "src/components/Cart.tsx", StartLine = 27, EndLine = 27, Message = "src/components/Cart.tsx(27,11): error TS2322: Type 'string' is not assignable to type 'number'." },
        ]);
        var request = harness.Request(checkRun.Id, null, "external/lint");

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed!.Category, Is.EqualTo(FailureCategory.Compile));
        Assert.That(outcome.Analyzed.Evidence, Does.Contain("never used"));
        Assert.That(outcome.Analyzed.Files, Does.Contain("src/components/Cart.tsx"));
        Assert.That(harness.GitHub.LogDownloads, Is.Empty);
    }

    [Test]
    public async Task Should_fail_with_a_clear_reason_when_the_job_log_is_gone()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.Request(checkRunId: 999_999, jobId: 999_999, checkName: "build");

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Analyzed, Is.Null);
        Assert.That(outcome.Failed!.Reason, Does.StartWith("Could not fetch the failure evidence").And.Contain("404"));
    }

    [Test]
    public async Task Should_answer_not_configured_when_github_has_no_credentials()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false, configureGitHub: false);
        var request = harness.AddFailedJob(Fixture.Read("msbuild.log"));

        var outcome = await harness.Analyzer.AnalyzeAsync(request, CancellationToken.None);

        Assert.That(outcome.Failed!.Reason, Is.EqualTo(FailureAnalysisService.NotConfiguredReason));
        Assert.That(harness.GitHub.Requests, Is.Empty);
    }
}
