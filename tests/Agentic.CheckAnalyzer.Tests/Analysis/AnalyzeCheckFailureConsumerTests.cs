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
        await using var provider = new ServiceCollection()
            .AddSingleton(harness.Analyzer)
            .AddLogging()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<AnalyzeCheckFailureConsumer>())
            .BuildServiceProvider(true);
        var bus = provider.GetRequiredService<ITestHarness>();
        await bus.Start();

        await bus.Bus.Publish(request);

        Assert.That(await bus.Published.Any<CheckFailureAnalyzed>(), Is.True);
        var analyzed = bus.Published.Select<CheckFailureAnalyzed>().Single().Context.Message;
        Assert.That(analyzed.CorrelationId, Is.EqualTo(request.CorrelationId));
        Assert.That(analyzed.Category, Is.EqualTo(FailureCategory.FormatOrLint));
        Assert.That(analyzed.Strategy, Is.EqualTo(FixStrategy.Deterministic));
    }

    [Test]
    public async Task Should_publish_analysis_failed_when_github_access_is_not_configured()
    {
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: false, configureGitHub: false);
        var request = harness.AddFailedJob("irrelevant");
        await using var provider = new ServiceCollection()
            .AddSingleton(harness.Analyzer)
            .AddLogging()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<AnalyzeCheckFailureConsumer>())
            .BuildServiceProvider(true);
        var bus = provider.GetRequiredService<ITestHarness>();
        await bus.Start();

        await bus.Bus.Publish(request);

        Assert.That(await bus.Published.Any<CheckFailureAnalysisFailed>(), Is.True);
        Assert.That(bus.Published.Select<CheckFailureAnalysisFailed>().Single().Context.Message.Reason, Is.EqualTo("GitHub access is not configured"));
    }
}
