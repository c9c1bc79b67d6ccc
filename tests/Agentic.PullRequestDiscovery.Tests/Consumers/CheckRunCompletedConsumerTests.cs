using Agentic.Contracts.Common;
using Agentic.Contracts.Discovery;
using Agentic.Contracts.Ingress;
using Agentic.PullRequestDiscovery.Consumers;
using Agentic.PullRequestDiscovery.Extensions;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Workflows;
using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Agentic.PullRequestDiscovery.Tests.Consumers;

/// <summary>The webhook path of a completed check run, against real PostgreSQL, with MassTransit's test harness as the bus.</summary>
public sealed class CheckRunCompletedConsumerTests
{
    private const string HeadSha = "3333333333333333333333333333333333333333";

    private static readonly RepositoryRef Repository = new() { InstallationId = 7, RepositoryId = 70, Owner = "octo-org", Name = "service" };

    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;

    [SetUp]
    public async Task StartAsync()
    {
        var connectionString = await TestDatabase.CreateMigratedAsync(CancellationToken.None);
        var configuration = new ConfigurationBuilder().Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        services.AddPullRequestDiscoveryState(configuration);
        services.AddMassTransitTestHarness(bus => bus.AddConsumer<CheckRunCompletedConsumer>());
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
    }

    [TearDown]
    public async Task StopAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Test]
    public async Task Should_publish_one_detection_when_a_failed_check_run_naming_two_pull_requests_is_delivered_twice()
    {
        var consumer = _harness.GetConsumerHarness<CheckRunCompletedConsumer>();

        await _harness.Bus.Publish(CheckRun("first"));
        Assert.That(await consumer.Consumed.Any<CheckRunCompleted>(m => m.Context.Message.DeliveryId == "first"), Is.True);
        await _harness.Bus.Publish(CheckRun("redelivered"));
        Assert.That(await consumer.Consumed.Any<CheckRunCompleted>(m => m.Context.Message.DeliveryId == "redelivered"), Is.True);

        var detected = _harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message).ToList();
        await using var connection = await _provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        var heads = (await connection.QueryAsync<string>(
            "SELECT head_sha FROM pull_requests WHERE repository_id = @RepositoryId ORDER BY number", new { Repository.RepositoryId })).ToList();
        var workflows = await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM workflows WHERE repository_id = @RepositoryId", new { Repository.RepositoryId });
        Assert.Multiple(() =>
        {
            Assert.That(consumer.Consumed.Select<CheckRunCompleted>().Count(m => m.Exception is not null), Is.Zero);
            Assert.That(detected, Has.Count.EqualTo(1), "one workflow per (repository, head SHA, check)");
            Assert.That(detected[0].CorrelationId, Is.EqualTo(FixWorkflowId.For(Repository.RepositoryId, HeadSha, "build")));
            Assert.That(detected[0].PullRequest.Number, Is.EqualTo(1), "the first pull request the check run names");
            Assert.That(heads, Is.EqualTo(new[] { HeadSha, HeadSha }));
            Assert.That(workflows, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Should_mark_the_detection_as_from_a_fork_when_the_pull_request_was_recorded_from_a_fork()
    {
        await using (var connection = await _provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await CheckRunStore.UpsertRepositoriesAsync(connection, transaction, [Repository], CancellationToken.None);
            await CheckRunStore.UpsertPullRequestsAsync(connection, transaction, [new PullRequestRow(new PullRequestChanged
            {
                CorrelationId = NewId.NextGuid(),
                DeliveryId = "opened-from-fork",
                Action = "opened",
                PullRequest = PullRequest(1),
                Title = "A change from a fork",
                Author = "outsider",
                Draft = false,
                Merged = false,
                FromFork = true,
            }, "open")], CancellationToken.None);
            await transaction.CommitAsync();
        }

        await _harness.Bus.Publish(CheckRun("fork") with { PullRequests = [PullRequest(1)] });
        await _harness.Bus.Publish(CheckRun("same-repository") with { CheckRunId = 701, Name = "lint", PullRequests = [PullRequest(2)] });
        Assert.That(await _harness.Published.Any<CheckFailureDetected>(m => m.Context.Message.CheckName == "build"), Is.True);
        Assert.That(await _harness.Published.Any<CheckFailureDetected>(m => m.Context.Message.CheckName == "lint"), Is.True);

        var detected = _harness.Published.Select<CheckFailureDetected>().Select(m => m.Context.Message).ToDictionary(m => m.PullRequest.Number, m => m.FromFork);
        Assert.That(detected, Is.EqualTo(new Dictionary<int, bool> { [1] = true, [2] = false }));
    }

    [Test]
    public async Task Should_give_the_name_to_a_re_created_repository_and_keep_the_old_one_released()
    {
        var consumer = _harness.GetConsumerHarness<CheckRunCompletedConsumer>();
        // Deleted and re-created under the same name (in another letter case): GitHub gives it a new id.
        var recreated = Repository with { RepositoryId = 71, Owner = "Octo-Org" };

        await _harness.Bus.Publish(CheckRun("old", Repository));
        Assert.That(await consumer.Consumed.Any<CheckRunCompleted>(m => m.Context.Message.DeliveryId == "old"), Is.True);
        await _harness.Bus.Publish(CheckRun("new", recreated) with { CheckRunId = 701 });
        Assert.That(await consumer.Consumed.Any<CheckRunCompleted>(m => m.Context.Message.DeliveryId == "new"), Is.True);

        await using var connection = await _provider.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(long Id, string Owner, bool Released)>(
            "SELECT id, owner, name_released_at IS NOT NULL FROM repositories WHERE name = @Name ORDER BY id", new { Repository.Name })).ToList();
        var reconciled = await _provider.GetRequiredService<Persistence.ReconciliationStore>().ListRepositoriesAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(consumer.Consumed.Select<CheckRunCompleted>().Count(m => m.Exception is not null), Is.Zero, "no event fails on the name");
            Assert.That(rows, Is.EqualTo(new[] { (70L, "octo-org", true), (71L, "Octo-Org", false) }));
            Assert.That(reconciled.Select(r => r.Id), Is.EqualTo(new[] { 71L }), "reconciliation walks the current holder only");
        });
    }

    private static CheckRunCompleted CheckRun(string deliveryId, RepositoryRef? repository = null) => new()
    {
        CorrelationId = NewId.NextGuid(),
        DeliveryId = deliveryId,
        Repository = repository ?? Repository,
        CheckRunId = 700,
        Name = "build",
        HeadSha = HeadSha,
        Conclusion = "failure",
        AppSlug = "github-actions",
        PullRequests = [PullRequest(1, repository), PullRequest(2, repository)],
        CompletedAt = DateTimeOffset.UtcNow,
    };

    private static PullRequestRef PullRequest(int number, RepositoryRef? repository = null) => new()
    {
        Repository = repository ?? Repository,
        Number = number,
        HeadSha = HeadSha,
        HeadRef = $"feature-{number}",
        BaseRef = "main",
    };
}
