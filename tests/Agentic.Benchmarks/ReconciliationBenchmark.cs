using System.Globalization;
using Agentic.Persistence;
using Agentic.PullRequestDiscovery.Extensions;
using Agentic.PullRequestDiscovery.Reconciliation;
using Agentic.StandIns.GitHub;
using Agentic.Testing;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 4's reconciliation figure: PR Discovery's <see cref="Reconciler"/> against the GitHub stand-in with 1,000
/// repositories (10 installations of 100) and 10,000 open PRs, 50 ms added latency per request and at most 100 concurrent
/// requests (the client's governor), real PostgreSQL, an in-memory bus. A cold cycle (every PR new: one PR listing per
/// repository and one check-run listing per PR), then a cycle where nothing changed. Targets: a full cycle under 30 s,
/// at least 95 % of the requests for unchanged repositories answered 304, never over the rate limit.
/// </summary>
public static class ReconciliationBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var repositories = Options.Int(args, "--repositories", 1000);
        var pullsPerRepository = Options.Int(args, "--pulls", 10);
        var installations = Options.Int(args, "--installations", 10);
        var latencyMs = Options.Int(args, "--latency-ms", 50);
        var maxConcurrency = Options.Int(args, "--max-concurrency", 25);
        var checkRunConcurrency = Options.Int(args, "--check-run-concurrency", 4);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- reconciliation --repositories {repositories} --pulls {pullsPerRepository} " +
            $"--installations {installations} --latency-ms {latencyMs} --max-concurrency {maxConcurrency} --check-run-concurrency {checkRunConcurrency}");

        var root = Path.Combine(Path.GetTempPath(), $"agentic-reconcile-bench-{Guid.NewGuid():N}"[..36]);
        Directory.CreateDirectory(root);
        try
        {
            await using var postgres = new PostgresServer(Path.Combine(root, "postgres"), new PostgresServerOptions
            {
                Settings = new Dictionary<string, string> { ["max_connections"] = "200", ["shared_buffers"] = "256MB" },
            });
            await postgres.StartAsync(CancellationToken.None);
            await using (var dataSource = NpgsqlDataSource.Create(postgres.ConnectionString))
            {
                await new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance).MigrateAsync(CancellationToken.None);
            }

            await using var github = new GitHubStandIn(new GitHubStandInOptions { WorkingDirectory = Path.Combine(root, "github") });
            var api = await github.StartAsync();
            var app = github.AddApp();
            var seeded = await SeedAsync(github, app, postgres.ConnectionString, repositories, pullsPerRepository, installations);
            Console.WriteLine($"seeded: {repositories} repositories in {installations} installations, {seeded.Pulls} open PRs, {seeded.Failures} failed check runs");
            github.Options.Latency = TimeSpan.FromMilliseconds(latencyMs);

            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["GitHub:Api:BaseUrl"] = api.ToString(),
                ["GitHub:Api:App:AppId"] = app.Id.ToString(CultureInfo.InvariantCulture),
                ["GitHub:Api:App:PrivateKey"] = app.PrivateKeyPem,
                ["GitHub:Api:ETagCacheSize"] = "32768",
                ["GitHub:Api:RateLimit:MaxConcurrentRequests"] = "100",
                ["Reconciliation:MaxConcurrency"] = maxConcurrency.ToString(CultureInfo.InvariantCulture),
                ["Reconciliation:CheckRunConcurrency"] = checkRunConcurrency.ToString(CultureInfo.InvariantCulture),
            }).Build();
            var services = new ServiceCollection()
                .AddLogging()
                .AddSingleton<IConfiguration>(configuration)
                .AddSingleton(TimeProvider.System)
                .AddSingleton(_ => NpgsqlDataSource.Create(postgres.ConnectionString));
            services.AddPullRequestDiscoveryState(configuration);
            services.AddMassTransit(bus => bus.UsingInMemory());
            await using var provider = services.BuildServiceProvider();
            var busControl = provider.GetRequiredService<IBusControl>();
            await busControl.StartAsync(CancellationToken.None);
            try
            {
                var reconciler = provider.GetRequiredService<Reconciler>();
                var cold = await MeasureAsync(github, reconciler, "cold");
                var warm = await MeasureAsync(github, reconciler, "unchanged");

                var worst = Enumerable.Range(0, installations)
                    .Select(i => github.RateLimitOf($"installation:{seeded.InstallationIds[i]}"))
                    .MaxBy(l => l.Used);
                var limited = github.Requests.Count(r => r.Status is 403 or 429);
                var share = warm.Requests == 0 ? 0 : 100.0 * warm.NotModified / warm.Requests;
                Console.WriteLine($"RESULT reconciliation cold cycle: {cold.Summary.Duration.TotalSeconds:F1} s, {cold.Requests} requests, {cold.Summary.PullRequestsChanged} PRs new, " +
                    $"{cold.Summary.DetectedFailures} failures detected, {cold.Summary.FailedRepositories} repositories failed, peak {cold.MaxConcurrent} concurrent requests; target < 30 s");
                Console.WriteLine($"RESULT reconciliation unchanged cycle: {warm.Summary.Duration.TotalSeconds:F2} s, {warm.Requests} requests, {warm.NotModified} answered 304 " +
                    $"({share:F1} %), {warm.Summary.DetectedFailures} failures detected; target >= 95 % 304");
                Console.WriteLine($"RESULT rate limit: busiest installation used {worst.Used} of {worst.Limit} per window, {limited} requests answered 403/429, " +
                    $"most concurrent requests {github.MaxConcurrentRequests} (limit 100); target: never over");
                var ok = cold.Summary.Duration < TimeSpan.FromSeconds(30) && warm.Summary.Duration < TimeSpan.FromSeconds(30) && share >= 95
                    && limited == 0 && worst.Used <= worst.Limit && github.MaxConcurrentRequests <= 100 && cold.Summary.FailedRepositories == 0;
                return ok ? 0 : 1;
            }
            finally
            {
                await busControl.StopAsync(CancellationToken.None);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<Cycle> MeasureAsync(GitHubStandIn github, Reconciler reconciler, string name)
    {
        var before = github.Requests.Count;
        var summary = await reconciler.RunCycleAsync(CancellationToken.None);
        var requests = github.Requests.Skip(before).ToList();
        Console.WriteLine($"{name} cycle: {summary}");
        return new Cycle(summary, requests.Count, requests.Count(r => r.NotModified), github.MaxConcurrentRequests);
    }

    /// <summary>Repositories in the stand-in (bare git repositories, created a few at a time) and in the database; PRs with head SHA strings.</summary>
    private static async Task<Seeded> SeedAsync(GitHubStandIn github, StandInApp app, string connectionString, int repositories, int pullsPerRepository, int installationCount)
    {
        var installations = Enumerable.Range(0, installationCount).Select(i => github.AddInstallation(app, $"org-{i}")).ToArray();
        var created = new StandInRepository[repositories];
        await Parallel.ForEachAsync(Enumerable.Range(0, repositories), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, token) =>
            created[i] = await github.CreateRepositoryAsync($"org-{i % installationCount}", $"repo-{i:D4}", cancellationToken: token));

        var pulls = 0;
        var failures = 0;
        foreach (var repository in created)
        {
            for (var n = 0; n < pullsPerRepository; n++)
            {
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{repository.FullName}#{n}")))[..40];
                repository.AddPullRequest($"feature-{n}", title: $"Change {n}", headSha: sha);
                var failed = pulls % 100 == 0;
                repository.AddCheckRun("build", sha, failed ? "failure" : "success");
                failures += failed ? 1 : 0;
                pulls++;
            }
        }

        const string sql = """
            INSERT INTO installations (id, account) SELECT * FROM unnest(@InstallationIds, @Accounts);
            INSERT INTO repositories (id, installation_id, owner, name, priority)
            SELECT * FROM unnest(@Ids, @RepositoryInstallations, @Owners, @Names, @Priorities);
            """;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql, new
        {
            InstallationIds = installations.Select(i => i.Id).ToArray(),
            Accounts = installations.Select(i => i.Account).ToArray(),
            Ids = created.Select(r => r.Id).ToArray(),
            RepositoryInstallations = created.Select((_, i) => installations[i % installationCount].Id).ToArray(),
            Owners = created.Select(r => r.Owner).ToArray(),
            Names = created.Select(r => r.Name).ToArray(),
            Priorities = created.Select((_, i) => i % 3).ToArray(),
        });
        return new Seeded(pulls, failures, installations.Select(i => i.Id).ToArray());
    }

    private sealed record Seeded(int Pulls, int Failures, long[] InstallationIds);

    private sealed record Cycle(ReconciliationSummary Summary, int Requests, int NotModified, int MaxConcurrent);
}
