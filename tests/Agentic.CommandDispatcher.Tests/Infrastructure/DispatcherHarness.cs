using System.Globalization;
using Agentic.CommandDispatcher.Consumers;
using Agentic.CommandDispatcher.Extensions;
using Agentic.Contracts.Common;
using Agentic.StandIns.GitHub;
using Agentic.StandIns.Llm;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agentic.CommandDispatcher.Tests.Infrastructure;

/// <summary>
/// The dispatcher wired as the service wires it (<see cref="HostingExtensions.AddCommandDispatcherServices"/>), reading
/// files from the GitHub stand-in (a real bare git repository) and, optionally, asking the OpenAI-compatible stand-in;
/// the consumer on MassTransit's in-memory harness.
/// </summary>
internal sealed class DispatcherHarness : IAsyncDisposable
{
    public const string Owner = "acme";
    public const string Repo = "shop";
    public const string ApiKey = "sk-test-5f0c2b9e7d1a";

    private DispatcherHarness(GitHubStandIn gitHub, OpenAiStandIn? llm, StandInInstallation installation, StandInRepository repository, ServiceProvider services)
    {
        GitHub = gitHub;
        Llm = llm;
        Installation = installation;
        Repository = repository;
        Services = services;
    }

    public GitHubStandIn GitHub { get; }

    public OpenAiStandIn? Llm { get; }

    public StandInInstallation Installation { get; }

    public StandInRepository Repository { get; }

    public ServiceProvider Services { get; }

    public ITestHarness Bus => Services.GetRequiredService<ITestHarness>();

    /// <summary>Starts the stand-ins, seeds <paramref name="files"/> on main and starts the bus.</summary>
    public static async Task<DispatcherHarness> StartAsync(bool withLlm, IReadOnlyDictionary<string, string?> files)
    {
        var gitHub = new GitHubStandIn();
        await gitHub.StartAsync();
        var app = gitHub.AddApp("agentic");
        var installation = gitHub.AddInstallation(app, Owner);
        var repository = await gitHub.CreateRepositoryAsync(Owner, Repo, files: files);
        var settings = new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = gitHub.BaseUri.AbsoluteUri,
            ["GitHub:Api:Retry:MaxRetries"] = "0",
            ["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
        };
        OpenAiStandIn? llm = null;
        if (withLlm)
        {
            llm = new OpenAiStandIn { ApiKey = ApiKey };
            await llm.StartAsync();
            settings["CommandDispatcher:Llm:Provider"] = "openai";
            settings["CommandDispatcher:Llm:Endpoint"] = llm.BaseUri.AbsoluteUri;
            settings["CommandDispatcher:Llm:ApiKey"] = ApiKey;
            settings["CommandDispatcher:Llm:Model"] = "gpt-test";
            settings["CommandDispatcher:Llm:InputCostPer1KTokens"] = "0.15";
            settings["CommandDispatcher:Llm:OutputCostPer1KTokens"] = "0.6";
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddCommandDispatcherServices(configuration);
        services.AddMassTransitTestHarness(bus => bus.AddConsumer<DispatchCommandConsumer>());
        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new DispatcherHarness(gitHub, llm, installation, repository, provider);
        await harness.Bus.Start();
        return harness;
    }

    /// <summary>The pull request at <paramref name="headSha"/> of <paramref name="headRef"/>.</summary>
    public PullRequestRef PullRequest(string headSha, string headRef = "feature/cart") => new()
    {
        Repository = new RepositoryRef { InstallationId = Installation.Id, RepositoryId = Repository.Id, Owner = Owner, Name = Repo },
        Number = 7,
        HeadSha = headSha,
        HeadRef = headRef,
        BaseRef = "main",
    };

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await Services.DisposeAsync();
        if (Llm is not null)
        {
            await Llm.DisposeAsync();
        }

        await GitHub.DisposeAsync();
    }
}
