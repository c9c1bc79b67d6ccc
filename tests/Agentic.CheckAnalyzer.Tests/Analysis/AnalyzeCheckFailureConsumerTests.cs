using Agentic.CheckAnalyzer.Consumers;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.CheckAnalyzer.Tests.Analysis;

public sealed class AnalyzeCheckFailureConsumerTests
{
    [Test]
    public async Task Should_publish_the_verdict_when_the_consumer_analyses_a_failed_job()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        var request = harness.AddFailedJob(Fixture.Read("eslint.log"), checkName: "lint");
        await using var provider = await harness.StartConsumerAsync();
        var bus = provider.GetRequiredService<ITestHarness>();

        await bus.Bus.Publish(request);

        Assert.That(await bus.Published.Any<CheckFailureAnalyzed>(), Is.True);
        var analyzed = bus.Published.Select<CheckFailureAnalyzed>().Single().Context.Message;
        Assert.That(analyzed.CorrelationId, Is.EqualTo(request.CorrelationId));
        Assert.That(analyzed.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(analyzed.Strategy, Is.EqualTo(FixStrategy.Deterministic));
    }

    [Test]
    public async Task Should_publish_the_job_and_failed_step_when_the_consumer_analyses_a_failed_actions_job()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false);
        string[] steps = ["Set up job", "Run actions/checkout@v4", "Run actions/setup-python@v5", "Run python -m pytest", "Post Run actions/checkout@v4", "Complete job"];
        var request = harness.AddFailedJob(Fixture.Read("pytest-failed.log"), checkName: "tests", steps: steps, failedStep: "Run python -m pytest", workflowPath: ".github/workflows/python.yml@main");
        await using var provider = await harness.StartConsumerAsync();
        var bus = provider.GetRequiredService<ITestHarness>();

        await bus.Bus.Publish(request);

        Assert.That(await bus.Published.Any<CheckFailureAnalyzed>(), Is.True);
        var analyzed = bus.Published.Select<CheckFailureAnalyzed>().Single().Context.Message;
        Assert.That(analyzed.Category, Is.EqualTo(FailureCategory.Test));
        Assert.That(analyzed.Files, Does.Contain("tests/test_invoice.py"));
        Assert.That(analyzed.Job, Is.EqualTo(new CiJobReference
        {
            WorkflowPath = ".github/workflows/python.yml",
            JobName = "tests",
            FailedStepName = "Run python -m pytest",
            FailedStepNumber = 4,
            FailedStepCommand = "python -m pytest",
        }));
    }

    [Test]
    public async Task Should_publish_analysis_failed_when_github_access_is_not_configured()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false, configureGitHub: false);
        var request = harness.AddFailedJob("irrelevant");
        await using var provider = await harness.StartConsumerAsync();
        var bus = provider.GetRequiredService<ITestHarness>();

        await bus.Bus.Publish(request);

        Assert.That(await bus.Published.Any<CheckFailureAnalysisFailed>(), Is.True);
        Assert.That(bus.Published.Select<CheckFailureAnalysisFailed>().Single().Context.Message.Reason, Is.EqualTo("GitHub access is not configured"));
    }
}
