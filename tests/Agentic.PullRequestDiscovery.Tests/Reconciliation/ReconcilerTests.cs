using System.Globalization;
using System.Security.Cryptography;
using System.Text;
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
    private StandInApp _app = null!;
    private StandInInstallation _installation = null!;
    private string _connectionString = null!;
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private Reconciler _reconciler = null!;

    /// <summary>Owned (and disposed) by the service provider.</summary>
    private NpgsqlDataSource Database => _provider.GetRequiredService<NpgsqlDataSource>();

    [SetUp]
    public async Task StartAsync()
    {
        _connectionString = await TestDatabase.CreateMigratedAsync(CancellationToken.None);
        _github = new GitHubStandIn();
        await _github.StartAsync();
        _app = _github.AddApp();
        _installation = _github.AddInstallation(_app, Owner);

        _provider = BuildProvider(new Dictionary<string, string?> { ["Reconciliation:MaxConcurrency"] = "1" });
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

    [Test]
    public async Task Should_detect_each_failed_check_once_when_a_repository_has_many_pull_requests()
    {
        var repository = await AddRepositoryAsync("service", priority: 0);
        var heads = Enumerable.Range(1, 12).Select(n => Sha($"head {n}")).ToList();
        foreach (var (head, n) in heads.Select((h, i) => (h, i + 1)))
        {
            repository.AddPullRequest($"feature-{n}", headSha: head);
            repository.AddCheckRun("build", head, n is 2 or 7 ? "failure" : "success");
            repository.AddCheckRun("test", head, n == 2 ? "timed_out" : "success");
        }

        var first = await _reconciler.RunCycleAsync(CancellationToken.None);
        var second = await _reconciler.RunCycleAsync(CancellationToken.None);

        var detected = _harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message).ToList();
        await using var connection = await Database.OpenConnectionAsync();
        var checkRuns = await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM check_runs WHERE repository_id = @Id", new { repository.Id });
        var open = await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM pull_requests WHERE repository_id = @Id AND state = 'open'", new { repository.Id });
        Assert.Multiple(() =>
        {
            Assert.That(first.PullRequestsChanged, Is.EqualTo(12));
            Assert.That(first.DetectedFailures, Is.EqualTo(3));
            Assert.That(second.DetectedFailures, Is.Zero);
            Assert.That(detected.Select(d => d.CorrelationId), Is.EquivalentTo(new[]
            {
                FixWorkflowId.For(repository.Id, heads[1], "build"),
                FixWorkflowId.For(repository.Id, heads[1], "test"),
                FixWorkflowId.For(repository.Id, heads[6], "build"),
            }));
            Assert.That(checkRuns, Is.EqualTo(24));
            Assert.That(open, Is.EqualTo(12));
        });
    }

    [Test]
    public async Task Should_list_check_runs_once_per_head_when_pull_requests_share_it()
    {
        var repository = await AddRepositoryAsync("service", priority: 0);
        repository.AddPullRequest("feature", headSha: HeadSha);
        repository.AddPullRequest("feature-copy", headSha: HeadSha);
        repository.AddCheckRun("build", HeadSha, "failure");

        var summary = await _reconciler.RunCycleAsync(CancellationToken.None);

        var listings = _github.Requests.Count(r => r.PathAndQuery.Contains($"/commits/{HeadSha}/check-runs", StringComparison.Ordinal));
        var detected = _harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(summary.PullRequestsChanged, Is.EqualTo(2));
            Assert.That(listings, Is.EqualTo(1));
            Assert.That(detected, Has.Count.EqualTo(1), "one workflow per (repository, head SHA, check)");
            Assert.That(detected[0].CorrelationId, Is.EqualTo(FixWorkflowId.For(repository.Id, HeadSha, "build")));
        });
    }

    [Test]
    public async Task Should_keep_all_installations_under_one_concurrency_cap_when_reconciling()
    {
        const int cap = 3;
        var installations = new[] { _installation }
            .Concat(Enumerable.Range(1, 3).Select(i => _github.AddInstallation(_app, $"other-org-{i}")))
            .ToList();
        foreach (var installation in installations)
        {
            for (var r = 1; r <= 3; r++)
            {
                var repository = await AddRepositoryAsync($"service-{r}", priority: 0, installation: installation);
                for (var n = 1; n <= 2; n++)
                {
                    var head = Sha($"{repository.FullName}#{n}");
                    repository.AddPullRequest($"feature-{n}", headSha: head);
                    repository.AddCheckRun("build", head, "success");
                }
            }
        }

        _github.Options.Latency = TimeSpan.FromMilliseconds(100);
        await using var provider = BuildProvider(new Dictionary<string, string?>
        {
            ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = cap.ToString(CultureInfo.InvariantCulture),
            // The four installation tokens at once rather than a second apart, so that all installations are read together.
            ["GitHub:Api:RateLimit:MinimumWriteInterval"] = "00:00:00",
            ["Reconciliation:MaxConcurrency"] = "12",
            ["Reconciliation:CheckRunConcurrency"] = "2",
        });
        var summary = await provider.GetRequiredService<Reconciler>().RunCycleAsync(CancellationToken.None);

        var readAs = _github.Requests.Select(r => r.Identity).Where(i => i?.StartsWith("installation:", StringComparison.Ordinal) == true).Distinct().Count();
        Assert.Multiple(() =>
        {
            Assert.That(summary.FailedRepositories, Is.Zero);
            Assert.That(summary.PullRequestsChanged, Is.EqualTo(24));
            Assert.That(readAs, Is.EqualTo(4));
            Assert.That(_github.MaxConcurrentRequests, Is.InRange(cap - 1, cap), "requests of all installations together, never more than the cap");
        });
    }

    private async Task<StandInRepository> AddRepositoryAsync(string name, int priority, bool enabled = true, StandInInstallation? installation = null)
    {
        installation ??= _installation;
        var repository = await _github.CreateRepositoryAsync(installation.Account, name);
        const string sql = """
            INSERT INTO installations (id, account) VALUES (@InstallationId, @Owner) ON CONFLICT (id) DO NOTHING;
            INSERT INTO repositories (id, installation_id, owner, name, priority, enabled) VALUES (@Id, @InstallationId, @Owner, @Name, @Priority, @Enabled);
            """;
        await using var connection = await Database.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, new { repository.Id, InstallationId = installation.Id, Owner = installation.Account, Name = name, Priority = priority, Enabled = enabled });
        return repository;
    }

    /// <summary>A commit SHA made up from <paramref name="seed"/>.</summary>
    private static string Sha(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..40];

    /// <summary>PR Discovery's state and reconciler over the test's database and stand-in, with MassTransit's test harness as the bus.</summary>
    private ServiceProvider BuildProvider(IReadOnlyDictionary<string, string?> settings)
    {
        var values = new Dictionary<string, string?>
        {
            ["GitHub:Api:BaseUrl"] = _github.BaseUri.ToString(),
            ["GitHub:Api:App:AppId"] = _app.Id.ToString(CultureInfo.InvariantCulture),
            ["GitHub:Api:App:PrivateKey"] = _app.PrivateKeyPem,
        };
        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(_ => NpgsqlDataSource.Create(_connectionString));
        services.AddPullRequestDiscoveryState(configuration);
        services.AddMassTransitTestHarness();
        return services.BuildServiceProvider(validateScopes: true);
    }
}
