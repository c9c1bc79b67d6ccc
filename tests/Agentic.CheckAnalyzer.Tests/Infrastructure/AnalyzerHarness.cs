using System.Globalization;
using Agentic.CheckAnalyzer.Analysis;
using Agentic.CheckAnalyzer.Extensions;
using Agentic.CheckAnalyzer.Persistence;
using Agentic.Contracts.Analysis;
using Agentic.Contracts.Common;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;
using Agentic.CheckAnalyzer.Consumers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.CheckAnalyzer.Tests.Infrastructure;

/// <summary>The analyzer wired as the service wires it, against the GitHub stand-in and optionally the OpenAI-compatible stand-in.</summary>
internal sealed class AnalyzerHarness : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "shop";
    public const string HeadSha = "4f1c0a7d9e2b3c4d5e6f708192a3b4c5d6e7f809";

    private AnalyzerHarness(GitHubStandIn gitHub, OpenAiStandIn? llm, StandInInstallation installation, StandInRepository repository, ServiceProvider services, IAnalysisStore store)
    {
        GitHub = gitHub;
        Llm = llm;
        Installation = installation;
        Repository = repository;
        Services = services;
        AnalysisStore = store;
    }

    public GitHubStandIn GitHub { get; }

    public OpenAiStandIn? Llm { get; }

    public StandInInstallation Installation { get; }

    public StandInRepository Repository { get; }

    public ServiceProvider Services { get; }

    public IAnalysisStore AnalysisStore { get; }

    /// <summary>The in-memory store, when the harness was not given a store.</summary>
    public InMemoryAnalysisStore Store => AnalysisStore as InMemoryAnalysisStore ?? throw new InvalidOperationException("The harness runs on another store.");

    public FailureAnalysisService Analyzer => Services.GetRequiredService<FailureAnalysisService>();

    public static async Task<AnalyzerHarness> StartAsync(bool withLlm, bool configureGitHub = true, IReadOnlyDictionary<string, string?>? extra = null, IAnalysisStore? store = null)
    {
        var gitHub = new GitHubStandIn();
        await gitHub.StartAsync();
        var app = gitHub.AddApp("agentic");
        var installation = gitHub.AddInstallation(app, Owner);
        var repository = await gitHub.CreateRepositoryAsync(Owner, Repo, files: new Dictionary<string, string?> { ["README.md"] = "# shop\n" });
        OpenAiStandIn? llm = null;
        var settings = new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = gitHub.BaseUri.AbsoluteUri,
            ["GitHub:Api:Retry:MaxRetries"] = "0",
        };
        if (configureGitHub)
        {
            settings["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture);
            settings["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem;
        }

        if (withLlm)
        {
            llm = new OpenAiStandIn { ApiKey = "sk-test-secret" };
            await llm.StartAsync();
            settings["CheckAnalyzer:Llm:Provider"] = "openai";
            settings["CheckAnalyzer:Llm:Endpoint"] = llm.BaseUri.AbsoluteUri;
            settings["CheckAnalyzer:Llm:ApiKey"] = "sk-test-secret";
            settings["CheckAnalyzer:Llm:Model"] = "gpt-test";
            settings["CheckAnalyzer:Llm:InputCostPer1KTokens"] = "0.00015";
            settings["CheckAnalyzer:Llm:OutputCostPer1KTokens"] = "0.0006";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        store ??= new InMemoryAnalysisStore();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<IAnalysisStore>(store);
        services.AddCheckAnalyzerServices(configuration);
        return new AnalyzerHarness(gitHub, llm, installation, repository, services.BuildServiceProvider(), store);
    }

    /// <summary>
    /// A failed GitHub Actions job with this log (and, optionally, a passing attempt of the same check on the same
    /// commit), with the job's steps and the one that failed (the stand-in's defaults otherwise) and the run's
    /// workflow path as GitHub reports it.
    /// </summary>
    public AnalyzeCheckFailure AddFailedJob(
        string log, string checkName = "build", bool passedInAnotherAttempt = false, StandInRepository? repository = null,
        IReadOnlyList<string>? steps = null, string? failedStep = null, string? workflowPath = null)
    {
        repository ??= Repository;
        var job = new JobSeed { Name = checkName, Conclusion = "failure", Log = log, FailedStep = failedStep };
        var run = repository.AddWorkflowRun(new WorkflowRunSeed
        {
            HeadSha = HeadSha,
            HeadBranch = "feature",
            Jobs = [steps is null ? job : new JobSeed { Name = job.Name, Conclusion = job.Conclusion, Log = job.Log, FailedStep = job.FailedStep, Steps = steps }],
        });
        if (workflowPath is not null)
        {
            run.Path = workflowPath;
        }

        if (passedInAnotherAttempt)
        {
            repository.AddWorkflowRun(new WorkflowRunSeed { HeadSha = HeadSha, HeadBranch = "feature", Jobs = [new JobSeed { Name = checkName, Conclusion = "success", Log = "ok" }] });
        }

        var added = run.Jobs[0];
        return Request(added.Id, added.Id, checkName, repository);
    }

    /// <summary>Another repository of the same installation.</summary>
    public Task<StandInRepository> AddRepositoryAsync(string name) =>
        GitHub.CreateRepositoryAsync(Owner, name, files: new Dictionary<string, string?> { ["README.md"] = $"# {name}\n" });

    public AnalyzeCheckFailure Request(long checkRunId, long? jobId, string checkName, StandInRepository? repository = null) => new()
    {
        CorrelationId = Guid.NewGuid(),
        PullRequest = new PullRequestRef
        {
            Repository = new RepositoryRef { InstallationId = Installation.Id, RepositoryId = (repository ?? Repository).Id, Owner = Owner, Name = (repository ?? Repository).Name },
            Number = 7,
            HeadSha = HeadSha,
            HeadRef = "feature",
            BaseRef = "main",
        },
        CheckRunId = checkRunId,
        JobId = jobId,
        CheckName = checkName,
        BudgetUsd = 1m,
    };

    /// <summary>The consumer in MassTransit's test harness over this analyzer, started; its <see cref="ITestHarness"/> is in the provider.</summary>
    public async Task<ServiceProvider> StartConsumerAsync()
    {
        var provider = new ServiceCollection()
            .AddSingleton(Analyzer)
            .AddLogging()
            .AddMassTransitTestHarness(bus => bus.AddConsumer<AnalyzeCheckFailureConsumer>())
            .BuildServiceProvider(true);
        await provider.GetRequiredService<ITestHarness>().Start();
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        if (Llm is not null)
        {
            await Llm.DisposeAsync();
        }

        await GitHub.DisposeAsync();
    }
}
