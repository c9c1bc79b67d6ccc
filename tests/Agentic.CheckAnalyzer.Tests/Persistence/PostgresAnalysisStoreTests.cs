using Agentic.CheckAnalyzer.Consumers;
using Agentic.CheckAnalyzer.Persistence;
using Agentic.CheckAnalyzer.Tests.Infrastructure;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.StandIns;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.CheckAnalyzer.Tests.Persistence;

/// <summary>The analyses table on real PostgreSQL, alone and under the analyzer.</summary>
public sealed class PostgresAnalysisStoreTests
{
    private const string FirstAnswer = """{"root_cause":"CustomerId lost its implicit conversion","strategy":"llm_edit","confidence":0.7,"files":["src/Shop.Domain/Customers/CustomerId.cs"]}""";

    private const string SecondAnswer = """{"root_cause":"OrderService uses an undeclared variable customerId","strategy":"llm_edit","confidence":0.82,"files":["src/Shop.Api/Orders/OrderService.cs"]}""";

    [Test]
    public async Task Should_read_back_the_analysis_with_its_files_when_it_was_stored()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        var store = new PostgresAnalysisStore(dataSource);
        var workflowId = Guid.NewGuid();
        await TestDatabase.AddWorkflowAsync(dataSource, workflowId, 42, timeout.Token);
        var analysis = new StoredAnalysis(
            workflowId, 7, 42, "hash-1", FailureCategory.Compile, FixStrategy.LlmEdit, 0.82, "undeclared variable", 1, 1200, 60, 0.000216m, "error CS0103", ["src/A.cs", "src/B.cs"]);

        Assert.That(await store.InsertAsync(analysis, timeout.Token), Is.True);
        Assert.That(await store.InsertAsync(analysis, timeout.Token), Is.False, "a redelivery inserts nothing");
        var byWorkflow = await store.FindByWorkflowAsync(workflowId, timeout.Token);
        var cached = await store.FindLlmAnalysisAsync(7, 42, "hash-1", timeout.Token);

        Assert.That(byWorkflow, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(byWorkflow!.Files, Is.EqualTo(new[] { "src/A.cs", "src/B.cs" }));
            Assert.That(byWorkflow with { Files = analysis.Files }, Is.EqualTo(analysis));
            Assert.That(cached?.WorkflowId, Is.EqualTo(workflowId));
            Assert.That(cached?.Files, Is.EqualTo(new[] { "src/A.cs", "src/B.cs" }));
        });
    }

    [Test]
    public async Task Should_read_back_the_job_reference_when_it_was_stored_with_the_analysis()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        var store = new PostgresAnalysisStore(dataSource);
        var workflowId = Guid.NewGuid();
        await TestDatabase.AddWorkflowAsync(dataSource, workflowId, 42, timeout.Token);
        var job = new CiJobReference { WorkflowPath = ".github/workflows/ci.yml", JobName = "test (20.x)", FailedStepName = "Run npm test", FailedStepNumber = 4, FailedStepCommand = "npm test" };
        var analysis = new StoredAnalysis(workflowId, 7, 42, "hash-1", FailureCategory.Test, FixStrategy.LlmEdit, 0.9, "2 failing tests", 1, 10, 10, 0m, "not ok 1", ["test/cart.test.js"], job);

        await store.InsertAsync(analysis, timeout.Token);
        var byWorkflow = await store.FindByWorkflowAsync(workflowId, timeout.Token);
        var cached = await store.FindLlmAnalysisAsync(7, 42, "hash-1", timeout.Token);

        Assert.That(byWorkflow?.Job, Is.EqualTo(job));
        Assert.That(cached?.Job, Is.EqualTo(job));
    }

    [Test]
    public async Task Should_read_back_the_tool_codes_and_packages_when_they_were_stored_with_the_analysis()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        var store = new PostgresAnalysisStore(dataSource);
        var withTool = Guid.NewGuid();
        var withoutTool = Guid.NewGuid();
        await TestDatabase.AddWorkflowAsync(dataSource, withTool, 42, timeout.Token);
        await TestDatabase.AddWorkflowAsync(dataSource, withoutTool, 42, timeout.Token);
        var analysis = new StoredAnalysis(withTool, 7, 42, "hash-1", FailureCategory.Dependency, FixStrategy.LlmEdit, 0.9, "NU1102", 1, 10, 10, 0m, "error NU1102", ["src/Shop.Api/Shop.Api.csproj"])
        {
            Tool = "nuget",
            Codes = ["NU1102", "NU1101"],
            Packages = ["Newtonsoft.Json", "@acme/left-pad"],
        };
        await store.InsertAsync(analysis, timeout.Token);
        await store.InsertAsync(new StoredAnalysis(withoutTool, 7, 42, "hash-2", FailureCategory.Compile, FixStrategy.Escalate, 0.9, "CS0103", 0, 0, 0, 0m, "error CS0103", []), timeout.Token);

        var byWorkflow = await store.FindByWorkflowAsync(withTool, timeout.Token);
        var cached = await store.FindLlmAnalysisAsync(7, 42, "hash-1", timeout.Token);
        var none = await store.FindByWorkflowAsync(withoutTool, timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(byWorkflow?.Tool, Is.EqualTo("nuget"));
            Assert.That(byWorkflow?.Codes, Is.EqualTo(new[] { "NU1102", "NU1101" }), "in the order the tool reported them");
            Assert.That(byWorkflow?.Packages, Is.EqualTo(new[] { "Newtonsoft.Json", "@acme/left-pad" }));
            Assert.That(cached?.Tool, Is.EqualTo("nuget"), "the LLM cache reads them too");
            Assert.That(cached?.Codes, Is.EqualTo(new[] { "NU1102", "NU1101" }));
            Assert.That(cached?.Packages, Is.EqualTo(new[] { "Newtonsoft.Json", "@acme/left-pad" }));
            Assert.That(none?.Tool, Is.Null);
            Assert.That(none?.Codes, Is.Empty);
            Assert.That(none?.Packages, Is.Empty);
        });
    }

    [TestCase("eslint.log", "lint", "eslint", new[] { "@typescript-eslint/no-unused-vars", "indent", "@typescript-eslint/no-explicit-any" }, new string[0])]
    [TestCase("nuget-nu1102.log", "build", "nuget", new[] { "NU1102" }, new[] { "Newtonsoft.Json" })]
    public async Task Should_republish_the_tool_codes_and_packages_from_the_store_when_the_request_is_redelivered(string fixture, string checkName, string tool, string[] codes, string[] packages)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true, store: new PostgresAnalysisStore(dataSource));
        var request = harness.AddFailedJob(Fixture.Read(fixture), checkName: checkName);
        await TestDatabase.AddWorkflowAsync(dataSource, request.CorrelationId, request.PullRequest.Repository.RepositoryId, timeout.Token);
        await using var provider = await harness.StartConsumerAsync();
        var bus = provider.GetRequiredService<ITestHarness>();

        await bus.Bus.Publish(request, timeout.Token);
        Assert.That(await Polling.UntilAsync(() => Answers(bus).Count == 1), Is.True, "the first answer");
        await bus.Bus.Publish(request, timeout.Token);
        Assert.That(await Polling.UntilAsync(() => Answers(bus).Count == 2), Is.True, "the answer to the redelivery");

        var (first, again) = (Answers(bus)[0], Answers(bus)[1]);
        Assert.Multiple(() =>
        {
            Assert.That(first.Tool, Is.EqualTo(tool));
            Assert.That(first.Codes, Is.EquivalentTo(codes));
            Assert.That(first.Packages, Is.EqualTo(packages));
            Assert.That(again.Tool, Is.EqualTo(first.Tool), "the redelivered verdict names the same tool");
            Assert.That(again.Codes, Is.EqualTo(first.Codes), "and the same codes");
            Assert.That(again.Packages, Is.EqualTo(first.Packages), "and the same packages");
            Assert.That(harness.GitHub.LogDownloads, Has.Count.EqualTo(1), "the redelivery was answered from the stored row");
            Assert.That(harness.Llm!.Requests, Is.Empty);
        });
    }

    [Test]
    public async Task Should_republish_the_job_reference_from_the_store_when_the_request_is_redelivered()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true, store: new PostgresAnalysisStore(dataSource));
        harness.Llm!.Enqueue(FirstAnswer);
        string[] steps = ["Set up job", "Run actions/checkout@v4", "Run actions/setup-node@v4", "Run npm ci", "Run npm test", "Post Run actions/checkout@v4", "Complete job"];
        var request = harness.AddFailedJob(Fixture.Read("node-test-tap.log"), checkName: "test (20.x)", steps: steps, failedStep: "Run npm test");
        await TestDatabase.AddWorkflowAsync(dataSource, request.CorrelationId, request.PullRequest.Repository.RepositoryId, timeout.Token);
        var expected = new CiJobReference { WorkflowPath = ".github/workflows/ci.yml", JobName = "test (20.x)", FailedStepName = "Run npm test", FailedStepNumber = 5, FailedStepCommand = "npm test" };

        var first = (await harness.Analyzer.AnalyzeAsync(request, timeout.Token)).Analyzed!;
        var apiRequests = harness.GitHub.Requests.Count;
        var again = (await harness.Analyzer.AnalyzeAsync(request, timeout.Token)).Analyzed!;

        Assert.Multiple(() =>
        {
            Assert.That(first.Job, Is.EqualTo(expected));
            Assert.That(again.Job, Is.EqualTo(expected), "the redelivered verdict carries the stored job reference");
            Assert.That(harness.GitHub.Requests, Has.Count.EqualTo(apiRequests), "the redelivery asked GitHub nothing");
            Assert.That(harness.Llm.Requests, Has.Count.EqualTo(1));
        });
    }

    private static List<CheckFailureAnalyzed> Answers(ITestHarness bus) => [.. bus.Published.Select<CheckFailureAnalyzed>().Select(m => m.Context.Message)];

    [Test]
    public async Task Should_find_no_cached_verdict_when_the_same_log_was_analysed_in_another_repository_or_installation()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        var store = new PostgresAnalysisStore(dataSource);
        var workflowId = Guid.NewGuid();
        await TestDatabase.AddWorkflowAsync(dataSource, workflowId, 42, timeout.Token);
        await store.InsertAsync(
            new StoredAnalysis(workflowId, 7, 42, "hash-1", FailureCategory.Compile, FixStrategy.LlmEdit, 0.8, "from repository 42", 1, 10, 10, 0m, "", []), timeout.Token);

        var same = await store.FindLlmAnalysisAsync(7, 42, "hash-1", timeout.Token);
        var otherRepository = await store.FindLlmAnalysisAsync(7, 43, "hash-1", timeout.Token);
        var otherInstallation = await store.FindLlmAnalysisAsync(8, 42, "hash-1", timeout.Token);

        Assert.Multiple(() =>
        {
            Assert.That(same?.RootCause, Is.EqualTo("from repository 42"));
            Assert.That(otherRepository, Is.Null, "another repository of the installation");
            Assert.That(otherInstallation, Is.Null, "the same repository id under another installation");
        });
    }

    [Test]
    public async Task Should_ask_the_llm_again_when_another_repository_has_the_same_log()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var dataSource = await TestDatabase.CreateMigratedAsync(timeout.Token);
        await using var harness = await AnalyzerHarness.StartAsync(withLlm: true, store: new PostgresAnalysisStore(dataSource));
        harness.Llm!.Enqueue(FirstAnswer);
        harness.Llm.Enqueue(SecondAnswer);
        var otherRepository = await harness.AddRepositoryAsync("billing");
        var log = Fixture.Read("actions-dotnet.log");
        var first = harness.AddFailedJob(log);
        var sameRepository = harness.AddFailedJob(log, checkName: "build-linux");
        var second = harness.AddFailedJob(log, repository: otherRepository);
        foreach (var request in new[] { first, sameRepository, second })
        {
            await TestDatabase.AddWorkflowAsync(dataSource, request.CorrelationId, request.PullRequest.Repository.RepositoryId, timeout.Token);
        }

        var firstVerdict = (await harness.Analyzer.AnalyzeAsync(first, timeout.Token)).Analyzed!;
        var sameRepositoryVerdict = (await harness.Analyzer.AnalyzeAsync(sameRepository, timeout.Token)).Analyzed!;
        var secondVerdict = (await harness.Analyzer.AnalyzeAsync(second, timeout.Token)).Analyzed!;

        Assert.Multiple(() =>
        {
            Assert.That(firstVerdict.RootCause, Is.EqualTo("CustomerId lost its implicit conversion"));
            Assert.That(sameRepositoryVerdict.RootCause, Is.EqualTo("CustomerId lost its implicit conversion"), "the same repository reuses its own verdict");
            Assert.That(sameRepositoryVerdict.Usage.Calls, Is.Zero);
            Assert.That(secondVerdict.RootCause, Is.EqualTo("OrderService uses an undeclared variable customerId"), "another repository never gets the first's verdict");
            Assert.That(secondVerdict.Files, Does.Not.Contain("src/Shop.Domain/Customers/CustomerId.cs"));
            Assert.That(secondVerdict.Usage.Calls, Is.EqualTo(1));
            Assert.That(harness.Llm.Requests, Has.Count.EqualTo(2));
        });
    }
}
