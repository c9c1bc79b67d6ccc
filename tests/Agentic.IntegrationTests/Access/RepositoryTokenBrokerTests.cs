using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Agentic.Contracts.Access;
using Agentic.Contracts.Common;
using Agentic.Executor.Workspaces;
using Agentic.Git;
using Agentic.GitHub;
using Agentic.ResultProcessor.Consumers;
using Agentic.StandIns.GitHub;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.IntegrationTests.Access;

/// <summary>
/// ADR-008: the Executor (<see cref="BrokeredRepositoryAccess"/>, no key) asks the Result Processor
/// (<see cref="IssueRepositoryTokenConsumer"/>, the App key) for a token, over MassTransit request/response, against
/// the GitHub stand-in: the token reads that one repository and nothing else, and cannot push.
/// </summary>
public sealed class RepositoryTokenBrokerTests
{
    private GitHubStandIn _gitHub = null!;
    private StandInRepository _repository = null!;
    private StandInRepository _other = null!;
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
        _repository = await _gitHub.CreateRepositoryAsync("octo", "widgets", true, "main", null, new Dictionary<string, string?> { ["README.md"] = "hi\n" });
        _other = await _gitHub.CreateRepositoryAsync("octo", "gadgets", true, "main", null, new Dictionary<string, string?> { ["README.md"] = "other\n" });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = _gitHub.BaseUri.ToString(),
            ["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddGitHubClient(configuration);
        services.AddMassTransitTestHarness(bus =>
        {
            bus.AddConsumer<IssueRepositoryTokenConsumer>();
        });
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
    public async Task Should_issue_a_token_that_reads_only_that_repository_when_the_executor_asks()
    {
        var access = new BrokeredRepositoryAccess(_provider.GetRequiredService<IClientFactory>());

        var source = await access.GetAsync(Ref(_repository, _repository.Id), NewId.NextGuid(), CancellationToken.None);

        Assert.That(source.Token, Is.Not.Null.And.Not.Empty);
        var git = new GitCli(TimeSpan.FromSeconds(30));
        var own = await git.RunAsync(TestEnvironment.Root, ["ls-remote", source.CloneUrl.AbsoluteUri], source.Token, CancellationToken.None);
        var other = await git.RunAsync(TestEnvironment.Root, ["ls-remote", _other.CloneUrl.AbsoluteUri], source.Token, CancellationToken.None);
        using var http = new HttpClient();
        using var push = new HttpRequestMessage(HttpMethod.Get, new Uri(source.CloneUrl.AbsoluteUri + "/info/refs?service=git-receive-pack"));
        push.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("x-access-token:" + source.Token)));
        using var pushResponse = await http.SendAsync(push);

        Assert.Multiple(() =>
        {
            Assert.That(own.ExitCode, Is.Zero, Encoding.UTF8.GetString(own.Output));
            Assert.That(other.ExitCode, Is.Not.Zero, "another repository of the same installation is out of the token's reach");
            Assert.That(pushResponse.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the token is read-only");
        });
    }

    [Test]
    public async Task Should_refuse_when_the_name_now_belongs_to_another_repository()
    {
        var access = new BrokeredRepositoryAccess(_provider.GetRequiredService<IClientFactory>());

        var refused = Assert.ThrowsAsync<RepositoryAccessException>(async () =>
            await access.GetAsync(Ref(_repository, _other.Id), NewId.NextGuid(), CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain(_repository.Id.ToString(CultureInfo.InvariantCulture)));
    }

    private RepositoryRef Ref(StandInRepository repository, long id) =>
        new() { InstallationId = _installationId, RepositoryId = id, Owner = repository.Owner, Name = repository.Name };
}
