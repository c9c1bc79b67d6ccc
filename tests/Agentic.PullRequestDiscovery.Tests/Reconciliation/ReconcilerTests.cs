using Agentic.Contracts.Discovery;
using Agentic.PullRequestDiscovery.Extensions;
using Agentic.PullRequestDiscovery.Reconciliation;
using Agentic.PullRequestDiscovery.Workflows;
using Agentic.StandIns.GitHub;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Tests.Reconciliation;

/// <summary>Reconciliation against real PostgreSQL and the GitHub stand-in; published messages are observed on MassTransit's harness.</summary>
public sealed class ReconcilerTests
{
    private const string Owner = "octo-org";
    private const string HeadSha = "1111111111111111111111111111111111111111";

    private GitHubStandIn _github = null!;
    private StandInInstallation _installation = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private Reconciler _reconciler = null!;

    /// <summary>Owned (and disposed) by the service provider.</summary>
    private NpgsqlDataSource Database => _provider.GetRequiredService<NpgsqlDataSource>();

    [SetUp]
    public async Task StartAsync()
    {
        var connectionString = await TestDatabase.CreateMigratedAsync(CancellationToken.None);
        _github = new GitHubStandIn();
        var api = await _github.StartAsync();
        var app = _github.AddApp();
        _installation = _github.AddInstallation(app, Owner);

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = api.ToString(),
            ["GitHub:Api:App:AppId"] = app.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
            ["Reconciliation:MaxConcurrency"] = "1",
        }).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddPullRequestDiscoveryState(configuration);
        services.AddMassTransitTestHarness();
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _reconciler = _provider.GetRequiredService<Reconciler>();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
        await _github.DisposeAsync();
    }

    [Test]
    public async Task Should_detect_a_missed_failed_check_once_when_reconciled_twice()
    {
        var repository = await AddRepositoryAsync("service", priority: 0);
        repository.AddPullRequest("feature", headSha: HeadSha);
        repository.AddCheckRun("build", HeadSha, "failure");
        repository.AddCheckRun("lint", HeadSha, "success");

        var first = await _reconciler.RunCycleAsync(CancellationToken.None);
        var second = await _reconciler.RunCycleAsync(CancellationToken.None);

        var detected = _harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(first.DetectedFailures, Is.EqualTo(1));
            Assert.That(second.DetectedFailures, Is.Zero);
            Assert.That(detected, Has.Count.EqualTo(1));
            Assert.That(detected[0].CorrelationId, Is.EqualTo(FixWorkflowId.For(repository.Id, HeadSha, "build")));
            Assert.That(detected[0].CheckName, Is.EqualTo("build"));
            Assert.That(detected[0].PullRequest.Number, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_cost_one_not_modified_request_when_a_repository_is_unchanged()
    {
        var repository = await AddRepositoryAsync("service", priority: 0);
        repository.AddPullRequest("feature", headSha: HeadSha);
        repository.AddCheckRun("build", HeadSha, "success");
        await _reconciler.RunCycleAsync(CancellationToken.None);
        var before = _github.Requests.Count;

        var second = await _reconciler.RunCycleAsync(CancellationToken.None);

        var requests = _github.Requests.Skip(before).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(requests, Has.Count.EqualTo(1));
            Assert.That(requests[0].PathAndQuery, Does.StartWith($"/repos/{Owner}/service/pulls"));
            Assert.That(requests[0].NotModified, Is.True);
            Assert.That(second.Requests, Is.EqualTo(1));
            Assert.That(second.NotModified, Is.EqualTo(1));
            Assert.That(second.PullRequestsChanged, Is.Zero);
        });
    }

    [Test]
    public async Task Should_abandon_in_flight_workflows_when_a_pull_request_was_closed()
    {
        var repository = await AddRepositoryAsync("service", priority: 0);
        var pullRequest = repository.AddPullRequest("feature", headSha: HeadSha);
        repository.AddCheckRun("build", HeadSha, "failure");
        await _reconciler.RunCycleAsync(CancellationToken.None);

        pullRequest.State = "closed";
        pullRequest.ClosedAt = DateTimeOffset.UtcNow;
        var second = await _reconciler.RunCycleAsync(CancellationToken.None);

        var closed = _harness.Published.Select<PullRequestClosed>().Select(m => m.Context.Message).ToList();
        await using var connection = await Database.OpenConnectionAsync();
        var state = await connection.QuerySingleAsync<string>("SELECT state FROM pull_requests WHERE repository_id = @Id AND number = 1", new { repository.Id });
        Assert.Multiple(() =>
        {
            Assert.That(second.PullRequestsClosed, Is.EqualTo(1));
            Assert.That(closed, Has.Count.EqualTo(1));
            Assert.That(closed[0].CorrelationId, Is.EqualTo(FixWorkflowId.For(repository.Id, HeadSha, "build")));
            Assert.That(closed[0].Merged, Is.False);
            Assert.That(state, Is.EqualTo("closed"));
        });
    }

    [Test]
    public async Task Should_supersede_the_workflow_and_detect_again_when_a_pull_request_head_moved()
    {
        const string newHead = "2222222222222222222222222222222222222222";
        var repository = await AddRepositoryAsync("service", priority: 0);
        var pullRequest = repository.AddPullRequest("feature", headSha: HeadSha);
        repository.AddCheckRun("build", HeadSha, "failure");
        await _reconciler.RunCycleAsync(CancellationToken.None);

        pullRequest.HeadSha = newHead;
        repository.AddCheckRun("build", newHead, "failure");
        var second = await _reconciler.RunCycleAsync(CancellationToken.None);

        var moved = _harness.Published.Select<PullRequestHeadMoved>().Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(second.DetectedFailures, Is.EqualTo(1));
            Assert.That(moved, Has.Count.EqualTo(1));
            Assert.That(moved[0].CorrelationId, Is.EqualTo(FixWorkflowId.For(repository.Id, HeadSha, "build")));
            Assert.That(_harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message.CorrelationId),
                Does.Contain(FixWorkflowId.For(repository.Id, newHead, "build")));
        });
    }

    [Test]
    public async Task Should_walk_repositories_in_priority_order_when_reconciling()
    {
        await AddRepositoryAsync("low", priority: 0);
        await AddRepositoryAsync("high", priority: 10);
        await AddRepositoryAsync("middle", priority: 5);
        await AddRepositoryAsync("disabled", priority: 20, enabled: false);

        var summary = await _reconciler.RunCycleAsync(CancellationToken.None);

        var order = _github.Requests
            .Where(r => r.PathAndQuery.Contains("/pulls?", StringComparison.Ordinal))
            .Select(r => r.PathAndQuery.Split('/')[3])
            .ToList();
        await using var connection = await Database.OpenConnectionAsync();
        var unreconciled = await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM repositories WHERE enabled AND reconciled_at IS NULL");
        Assert.Multiple(() =>
        {
            Assert.That(summary.Repositories, Is.EqualTo(3));
            Assert.That(order, Is.EqualTo(new[] { "high", "middle", "low" }));
            Assert.That(unreconciled, Is.Zero);
        });
    }

    private async Task<StandInRepository> AddRepositoryAsync(string name, int priority, bool enabled = true)
    {
        var repository = await _github.CreateRepositoryAsync(Owner, name);
        const string sql = """
            INSERT INTO installations (id, account) VALUES (@InstallationId, @Owner) ON CONFLICT (id) DO NOTHING;
            INSERT INTO repositories (id, installation_id, owner, name, priority, enabled) VALUES (@Id, @InstallationId, @Owner, @Name, @Priority, @Enabled);
            """;
        await using var connection = await Database.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, new { repository.Id, InstallationId = _installation.Id, Owner, Name = name, Priority = priority, Enabled = enabled });
        return repository;
    }
}
