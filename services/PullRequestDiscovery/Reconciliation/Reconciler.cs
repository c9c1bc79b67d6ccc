using System.Collections.Concurrent;
using System.Net;
using Agentic.Contracts.Common;
using Agentic.Contracts.Ingress;
using Agentic.GitHub;
using Agentic.GitHub.Models;
using Agentic.PullRequestDiscovery.Options;
using Agentic.PullRequestDiscovery.Persistence;
using Agentic.PullRequestDiscovery.Workflows;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Agentic.PullRequestDiscovery.Reconciliation;

/// <summary>
/// One reconciliation cycle: for every enabled repository, in priority order (then least recently reconciled) and
/// <see cref="ReconciliationOptions.MaxConcurrency"/> at a time, list its open PRs with a conditional request (an
/// unchanged repository costs one free 304), and for each head that is new (a new PR, or one pushed to) list its check
/// runs, <see cref="ReconciliationOptions.CheckRunConcurrency"/> at a time, and feed them through the webhook path
/// (<see cref="PullRequestTracking"/>, <see cref="CheckFailureDetection"/>). PRs no longer open are closed (one GET
/// each tells closed from merged, as many at a time), which ends their workflows. Each repository's changes are written as one batch in one transaction, then it is marked
/// reconciled. However many repositories and installations are in flight, the <see cref="GitHubClient"/> keeps all
/// requests together under its one concurrency cap (<c>GitHub:Api:RateLimit:MaxConcurrentRequests</c>).
/// </summary>
public sealed partial class Reconciler(
    GitHubClient github,
    IOptions<ReconciliationOptions> options,
    ReconciliationStore reconciliationStore,
    CheckRunStore checkRunStore,
    PullRequestTracking tracking,
    CheckFailureDetection detection,
    IBus bus,
    TimeProvider clock,
    ILogger<Reconciler> logger)
{
    /// <summary>True when a GitHub credential (an App or a token) is configured; without one there is nothing to compare.</summary>
    public bool IsConfigured => github.HasCredentials;

    public async Task<ReconciliationSummary> RunCycleAsync(CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        var requestsBefore = github.Metrics.Requests;
        var notModifiedBefore = github.Metrics.NotModified;
        var repositories = await reconciliationStore.ListRepositoriesAsync(cancellationToken);
        var totals = new Totals();

        // Parallel.ForEachAsync takes items in order, so repositories start in priority order.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(repositories, parallel, async (repository, token) =>
        {
            try
            {
                await ReconcileRepositoryAsync(repository, totals, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                // One repository's failure (GitHub, network, database) must not stop the others; it is retried next cycle.
                Interlocked.Increment(ref totals.Failed);
                LogRepositoryFailed(logger, ex, repository.Owner, repository.Name);
            }
        });

        var summary = new ReconciliationSummary(
            repositories.Count,
            totals.Failed,
            github.Metrics.Requests - requestsBefore,
            github.Metrics.NotModified - notModifiedBefore,
            totals.Changed,
            totals.Closed,
            totals.Detected,
            clock.GetElapsedTime(started));
        LogCycle(logger, summary.Repositories, summary.FailedRepositories, summary.Requests, summary.NotModified, summary.PullRequestsChanged,
            summary.PullRequestsClosed, summary.DetectedFailures, (long)summary.Duration.TotalMilliseconds);
        return summary;
    }

    private async Task ReconcileRepositoryAsync(ReconciledRepository repository, Totals totals, CancellationToken cancellationToken)
    {
        var client = ClientFor(repository.InstallationId);
        var repositoryRef = new RepositoryRef
        {
            InstallationId = repository.InstallationId,
            RepositoryId = repository.Id,
            Owner = repository.Owner,
            Name = repository.Name,
        };

        var open = new List<GitHubPullRequest>();
        await foreach (var pullRequest in client.ListPullRequestsAsync(repository.Owner, repository.Name, "open", cancellationToken: cancellationToken))
        {
            open.Add(pullRequest);
        }

        var known = await reconciliationStore.ListOpenPullRequestsAsync(repository.Id, cancellationToken);
        var changed = open.Where(pr => !known.TryGetValue(pr.Number, out var seen) || seen.HeadSha != pr.Head.Sha).ToList();
        var openNumbers = open.Select(pr => pr.Number).ToHashSet();
        var gone = known.Values.Where(pr => !openNumbers.Contains(pr.Number)).ToList();

        // One listing per head (PRs may share one), only for heads not seen before.
        var checkRuns = new ConcurrentDictionary<string, List<GitHubCheckRun>>(StringComparer.Ordinal);
        var perRepository = new ParallelOptions { MaxDegreeOfParallelism = options.Value.CheckRunConcurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(changed.Select(pr => pr.Head.Sha).Distinct(StringComparer.Ordinal), perRepository, async (headSha, token) =>
        {
            var runs = new List<GitHubCheckRun>();
            await foreach (var run in client.ListCheckRunsForRefAsync(repository.Owner, repository.Name, headSha, cancellationToken: token))
            {
                runs.Add(run);
            }

            checkRuns[headSha] = runs;
        });

        var closedByNumber = new ConcurrentDictionary<int, PullRequestChanged>();
        await Parallel.ForEachAsync(gone, perRepository, async (pullRequest, token) =>
        {
            if (await ClosedChangeAsync(client, repositoryRef, pullRequest, token) is { } change)
            {
                closedByNumber[pullRequest.Number] = change;
            }
        });

        var closed = closedByNumber.Values.OrderBy(c => c.PullRequest.Number).ToList();
        if (changed.Count == 0 && closed.Count == 0)
        {
            await reconciliationStore.MarkReconciledAsync(repository.Id, cancellationToken);
            return;
        }

        var changes = changed
            .Select(pr => ToChange(repositoryRef, pr, known.ContainsKey(pr.Number) ? "synchronize" : "opened", merged: false))
            .ToList();
        var completed = changes
            .GroupBy(c => c.PullRequest.HeadSha, StringComparer.Ordinal)
            .SelectMany(head => checkRuns[head.Key]
                .Where(r => r is { Status: "completed", Conclusion: not null } && r.HeadSha == head.Key)
                .Select(r => ToCheckRunCompleted(r, repositoryRef, [.. head.Select(c => c.PullRequest)])))
            .ToList();

        // The whole repository in one transaction and a few statements, however many PRs it has.
        int detected;
        await using (var connection = await checkRunStore.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await tracking.ApplyAsync(connection, transaction, [.. changes, .. closed], bus, cancellationToken);
            detected = await detection.RecordAsync(connection, transaction, completed, bus, cancellationToken);
            await ReconciliationStore.MarkReconciledAsync(connection, transaction, repository.Id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        Interlocked.Add(ref totals.Changed, changed.Count);
        Interlocked.Add(ref totals.Closed, closed.Count);
        Interlocked.Add(ref totals.Detected, detected);
        LogRepository(logger, repository.Owner, repository.Name, open.Count, changed.Count, closed.Count, detected);
    }

    /// <summary>A PR known open that the listing no longer has: closed or merged (one GET to tell which); null if it is open after all.</summary>
    private static async Task<PullRequestChanged?> ClosedChangeAsync(GitHubClient client, RepositoryRef repository, KnownPullRequest known, CancellationToken cancellationToken)
    {
        try
        {
            var current = await client.GetPullRequestAsync(repository.Owner, repository.Name, known.Number, cancellationToken);
            if (current.State == "open")
            {
                return null; // opened again between the two requests; the next cycle sees it in the listing
            }

            return ToChange(repository, current, "closed", merged: current.Merged == true || current.MergedAt is not null);
        }
        catch (GitHubApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted (or no longer visible to the installation): as good as closed.
            return new PullRequestChanged
            {
                CorrelationId = NewId.NextGuid(),
                DeliveryId = $"reconciliation:{repository.RepositoryId}:{known.Number}:gone",
                Action = "closed",
                PullRequest = new PullRequestRef { Repository = repository, Number = known.Number, HeadSha = known.HeadSha, HeadRef = known.HeadRef, BaseRef = known.BaseRef },
                Title = known.Title,
                Author = known.Author,
                Draft = known.Draft,
                Merged = false,
                FromFork = known.FromFork,
            };
        }
    }

    private static PullRequestChanged ToChange(RepositoryRef repository, GitHubPullRequest pullRequest, string action, bool merged) => new()
    {
        CorrelationId = NewId.NextGuid(),
        DeliveryId = $"reconciliation:{repository.RepositoryId}:{pullRequest.Number}:{pullRequest.Head.Sha}:{action}",
        Action = action,
        PullRequest = new PullRequestRef
        {
            Repository = repository,
            Number = pullRequest.Number,
            HeadSha = pullRequest.Head.Sha,
            HeadRef = pullRequest.Head.Ref,
            BaseRef = pullRequest.Base.Ref,
        },
        Title = pullRequest.Title,
        Author = pullRequest.User?.Login ?? "",
        Draft = pullRequest.Draft ?? false,
        Merged = merged,
        FromFork = pullRequest.Head.Repo is { } head && head.Id != repository.RepositoryId,
    };

    private static CheckRunCompleted ToCheckRunCompleted(GitHubCheckRun run, RepositoryRef repository, IReadOnlyList<PullRequestRef> pullRequests) => new()
    {
        CorrelationId = NewId.NextGuid(),
        DeliveryId = $"reconciliation:check-run:{run.Id}",
        Repository = repository,
        CheckRunId = run.Id,
        Name = run.Name,
        HeadSha = run.HeadSha,
        Conclusion = run.Conclusion!,
        CheckSuiteId = run.CheckSuite?.Id,
        AppSlug = run.App?.Slug,
        DetailsUrl = run.DetailsUrl,
        PullRequests = pullRequests,
        CompletedAt = run.CompletedAt,
    };

    /// <summary>With a GitHub App, each repository is read as its own installation; with a token, as the token's user.</summary>
    private GitHubClient ClientFor(long installationId) => github.ForRepository(installationId);

    [LoggerMessage(1, LogLevel.Information,
        "Reconciliation cycle: {Repositories} repositories ({Failed} failed), {Requests} GitHub requests, {NotModified} answered 304, {Changed} PRs new or moved, {Closed} closed, {Detected} failures detected, in {ElapsedMs} ms")]
    private static partial void LogCycle(ILogger logger, int repositories, int failed, long requests, long notModified, int changed, int closed, int detected, long elapsedMs);

    [LoggerMessage(2, LogLevel.Information, "Reconciled {Owner}/{Repository}: {Open} open PRs, {Changed} new or moved, {Closed} closed, {Detected} failures detected")]
    private static partial void LogRepository(ILogger logger, string owner, string repository, int open, int changed, int closed, int detected);

    [LoggerMessage(3, LogLevel.Warning, "Reconciliation of {Owner}/{Repository} failed; it is retried next cycle")]
    private static partial void LogRepositoryFailed(ILogger logger, Exception exception, string owner, string repository);

    private sealed class Totals
    {
        public int Failed;
        public int Changed;
        public int Closed;
        public int Detected;
    }
}
