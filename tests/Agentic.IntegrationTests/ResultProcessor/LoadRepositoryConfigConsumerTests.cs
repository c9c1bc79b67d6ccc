using System.Globalization;
using Agentic.Contracts.Common;
using Agentic.Contracts.Workflows;
using Agentic.GitHub;
using Agentic.ResultProcessor.Consumers;
using Agentic.StandIns.GitHub;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.IntegrationTests.ResultProcessor;

/// <summary>
/// The repository's settings come from its default branch, against the GitHub stand-in and real PostgreSQL: a pull
/// request cannot open the deny-list (<c>allow_paths</c>) or fork pushes for itself by changing its own copy.
/// </summary>
public sealed class LoadRepositoryConfigConsumerTests
{
    private GitHubStandIn _gitHub = null!;
    private StandInRepository _repository = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private long _installationId;

    [SetUp]
    public async Task Start()
    {
        _gitHub = new GitHubStandIn();
        await _gitHub.StartAsync();
        var app = _gitHub.AddApp("agentic");
        _installationId = _gitHub.AddInstallation(app, "octo").Id;
        _repository = await _gitHub.CreateRepositoryAsync("octo", "widgets", false, "main", null, new Dictionary<string, string?>
        {
            ["README.md"] = "hi\n",
            [".github/agentic.yml"] = "allow_paths: [docs/CODEOWNERS]\n",
        });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = _gitHub.BaseUri.ToString(),
            ["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(NpgsqlDataSource.Create(await TestEnvironment.CreateMigratedDatabaseAsync("config_load")));
        services.AddGitHubClient(configuration);
        services.AddMassTransitTestHarness(bus => bus.AddConsumer<LoadRepositoryConfigConsumer>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task Stop()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        await _gitHub.DisposeAsync();
    }

    [Test]
    public async Task Should_take_allow_paths_and_the_fork_setting_from_the_default_branch_when_the_pull_request_changes_them()
    {
        var head = await _repository.CommitFilesAsync("feature", new Dictionary<string, string?>
        {
            [".github/agentic.yml"] = "allow_paths: [CODEOWNERS, \"**/*.props\", package-lock.json]\nfork_pull_requests: push\n",
        }, "Open everything for my own fix", CancellationToken.None);
        _repository.AddPullRequest("feature", "Loosen the rules", headSha: head);
        var workflow = NewId.NextGuid();

        await _harness.Bus.Publish(new LoadRepositoryConfig
        {
            CorrelationId = workflow,
            PullRequest = new PullRequestRef
            {
                Repository = new RepositoryRef { InstallationId = _installationId, RepositoryId = _repository.Id, Owner = "octo", Name = "widgets" },
                Number = _repository.PullRequests[0].Number,
                HeadSha = head,
                HeadRef = "feature",
                BaseRef = "main",
            },
        });

        Assert.That(await _harness.Published.Any<RepositoryConfigLoaded>(m => m.Context.Message.CorrelationId == workflow), Is.True);
        var loaded = _harness.Published.Select<RepositoryConfigLoaded>(m => m.Context.Message.CorrelationId == workflow).Single().Context.Message;
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Found, Is.True);
            Assert.That(loaded.Problems, Is.Empty);
            Assert.That(loaded.AllowPaths, Is.EqualTo(new[] { "docs/CODEOWNERS" }), "the default branch's list, not the pull request's");
            Assert.That(loaded.PushToForks, Is.False);
        });
    }
}
