using System.Diagnostics;
using System.Globalization;
using Agentic.ServiceDefaults;

namespace Agentic.Benchmarks;

/// <summary>
/// Issue 11's fault table: N concurrent formatting-fix workflows through the whole system (the AppHost with every
/// service, PostgreSQL, RabbitMQ; GitHub is the stand-in), one fault injected mid-run, then a wait for every workflow
/// to finish. Per run: pushed, escalated, stuck (not finished), duplicated pushes or comments (commits on a PR's branch
/// beyond one, comments on a PR beyond one, and workflows for one failure beyond one) and the recovery time (the fault
/// to the last workflow finished).
/// <list type="bullet">
/// <item><c>result-processor</c>: the saga host kills itself (SIGKILL) at the chosen point, right after the Nth saga
/// transition whose row and outbox rows committed and before they reach the broker (<c>--kill-after N</c>, default 15:
/// mid-burst of the first transitions), through the outbox's test-only fault hook
/// (<c>Outbox:CrashAfterCommittedOutboxes</c>, once: a marker file keeps the restarted process alive).</item>
/// <item><c>executor</c>, <c>check-analyzer</c>, <c>rabbitmq</c>, <c>postgres</c>: SIGKILL of
/// that resource's process (its pid from the dashboard's resources API) once at least a few workflows are in the step
/// the resource serves and none has finished.</item>
/// <item><c>duplicates</c>: every webhook delivered three more times at that point, once as GitHub's redelivery (same
/// delivery id) and twice as the same event sent again (new delivery ids).</item>
/// </list>
/// A measurement, not a test: it exits 0 whatever it finds.
/// </summary>
public static class ChaosBenchmark
{
    /// <summary>Fault → the resource killed (null: none) and the workflow states that mark "mid-run" for it.</summary>
    private static readonly Dictionary<string, (string? Resource, string[] States)> Faults = new(StringComparer.Ordinal)
    {
        ["result-processor"] = (ResourceNames.ResultProcessor, ["Configuring", "Analysing", "Dispatching"]),
        ["executor"] = (ResourceNames.Executor, ["Executing"]),
        ["check-analyzer"] = (ResourceNames.CheckAnalyzer, ["Configuring", "Analysing"]),
        ["rabbitmq"] = (ResourceNames.Messaging, ["Configuring", "Analysing", "Dispatching", "Executing", "Publishing"]),
        ["postgres"] = (ResourceNames.Postgres, ["Configuring", "Analysing", "Dispatching", "Executing", "Publishing"]),
        ["duplicates"] = (null, ["Configuring", "Analysing", "Dispatching", "Executing", "Publishing"]),
    };

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || !Faults.TryGetValue(args[0], out var fault))
        {
            Console.Error.WriteLine($"chaos: name a fault: {string.Join(" | ", Faults.Keys)}");
            return 2;
        }

        var name = args[0];
        var count = Options.Int(args, "--workflows", 20);
        var minutes = Options.Int(args, "--timeout-minutes", 12);
        Console.WriteLine($"command: dotnet run --project tests/Agentic.Benchmarks -c Release -- chaos {name} --workflows {count} --timeout-minutes {minutes}");
        await using var system = await FormatFixSystem.CreateAsync();
        var failures = new List<FormatFailure>();
        for (var i = 0; i < count; i++)
        {
            failures.Add(await system.AddFormatFailureAsync($"chaos-{i}"));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(minutes + 10));
        var killAfter = Options.Int(args, "--kill-after", 15);
        var marker = Path.Combine(Path.GetTempPath(), $"agentic-chaos-crash-{Guid.NewGuid():N}");
        var selfKill = name == "result-processor";
        await system.StartAsync(Path.Combine(Path.GetTempPath(), "agentic-chaos-benchmark-state"), timeout.Token, selfKill
            ? new Dictionary<string, string?>
            {
                ["Outbox__CrashAfterCommittedOutboxes"] = killAfter.ToString(CultureInfo.InvariantCulture),
                ["Outbox__CrashConsumerType"] = "FixWorkflowState",
                ["Outbox__CrashOnceMarker"] = marker,
            }
            : null);
        var deliveryIds = failures.ToDictionary(f => f.Repository.FullName, _ => Guid.NewGuid().ToString(), StringComparer.OrdinalIgnoreCase);
        var answers = await Task.WhenAll(failures.Select(f => system.DeliverCheckRunAsync(f, deliveryIds[f.Repository.FullName], timeout.Token)));
        var clock = Stopwatch.StartNew();
        Console.WriteLine($"{count} webhooks posted concurrently: {answers.Count(a => a == System.Net.HttpStatusCode.Accepted)} accepted");

        // Mid-run: at least a few workflows in the steps the faulty resource serves, none finished yet; if that moment
        // never comes (the run was faster than the poll), the fault goes in after a minute anyway.
        var few = Math.Min(3, count);
        var mine = new HashSet<string>(failures.Select(f => f.Repository.FullName), StringComparer.OrdinalIgnoreCase);
        var pointDeadline = TimeSpan.FromMinutes(1);
        var moment = "a minute passed";
        while (clock.Elapsed < pointDeadline)
        {
            if (selfKill)
            {
                if (File.Exists(marker))
                {
                    moment = $"the saga host killed itself after its transition #{killAfter} committed, before its messages reached the broker";
                    break;
                }

                await Task.Delay(20, timeout.Token);
                continue;
            }

            if (await system.TryListWorkflowsAsync(timeout.Token) is { } listed)
            {
                var ours = listed.Where(w => mine.Contains(w.Repository)).ToList();
                var inStep = ours.Count(w => w.Active && fault.States.Contains(w.State));
                if (inStep >= few)
                {
                    moment = $"{inStep} in {string.Join('/', fault.States)}, {ours.Count(w => !w.Active)} finished, {ours.Count} started";
                    break;
                }

                if (ours.Any(w => !w.Active))
                {
                    moment = $"the first workflow finished ({ours.Count(w => w.Active)} active)";
                    break;
                }
            }

            await Task.Delay(100, timeout.Token);
        }

        var faultAt = DateTimeOffset.UtcNow;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fault {name} at {clock.Elapsed.TotalSeconds:0.0} s after posting ({moment})"));
        if (selfKill && File.Exists(marker))
        {
            // The marker stays until the end: the restarted process must not crash again.
            Console.WriteLine($"  {ResourceNames.ResultProcessor} died by its own SIGKILL (Outbox:CrashAfterCommittedOutboxes={killAfter})");
        }
        else if (fault.Resource is { } resource)
        {
            // Aspire's DCP does not restart an executable that dies: the dashboard shows it exited, with its last lines.
            var pid = system.AppHost.FindService(resource)?.Pid
                ?? throw new InvalidOperationException($"{resource} is not a running service of the AppHost (PostgreSQL and RabbitMQ faults need a restart DCP does not do).");
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: false);
            Console.WriteLine($"  kill -9 {resource} (pid {pid})");
        }
        else
        {
            var again = await Task.WhenAll(failures.SelectMany(f => new[] { deliveryIds[f.Repository.FullName], Guid.NewGuid().ToString(), Guid.NewGuid().ToString() },
                (f, id) => system.DeliverCheckRunAsync(f, id, timeout.Token)));
            Console.WriteLine($"  {again.Length} more deliveries: {string.Join(", ", again.GroupBy(a => (int)a).Select(g => $"{g.Key} × {g.Count()}"))}");
        }

        // Wait until every PR has a finished workflow and nothing of ours is active, or the time is up.
        List<WorkflowView> workflows = [];
        var deadline = DateTime.UtcNow.AddMinutes(minutes);
        while (DateTime.UtcNow < deadline)
        {
            if (await system.TryListWorkflowsAsync(timeout.Token) is { } listed)
            {
                workflows = listed.Where(w => mine.Contains(w.Repository)).ToList();
                var done = workflows.Where(w => !w.Active).Select(w => w.Repository).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (done.Count == count && workflows.All(w => !w.Active))
                {
                    break;
                }
            }

            await Task.Delay(1000, timeout.Token);
        }

        // Per PR: its workflows' outcomes, the commits pushed on its branch and the comments on it.
        int pushed = 0, escalated = 0, stuck = 0, duplicated = 0;
        var others = new List<string>();
        var finishedAt = DateTimeOffset.MinValue;
        foreach (var failure in failures)
        {
            var own = workflows.Where(w => string.Equals(w.Repository, failure.Repository.FullName, StringComparison.OrdinalIgnoreCase)).ToList();
            var outcomes = own.Where(w => !w.Active).Select(w => w.Outcome ?? "none").ToList();
            if (own.Count == 0 || own.Any(w => w.Active))
            {
                stuck++;
            }
            else if (outcomes.Contains("Pushed"))
            {
                pushed++;
            }
            else if (outcomes.Contains("Escalated"))
            {
                escalated++;
            }
            else
            {
                others.Add($"{failure.Repository.Name}: {string.Join('/', outcomes)}");
            }

            finishedAt = own.Where(w => w.FinishedAt is not null).Select(w => w.FinishedAt!.Value).Append(finishedAt).Max();
            var commits = await CommitsSinceAsync(failure, timeout.Token);
            var comments = failure.Repository.IssueComments.Count(c => c.IssueNumber == failure.PullRequest.Number);
            var extra = Math.Max(0, commits - 1) + Math.Max(0, comments - 1) + Math.Max(0, own.Count - 1);
            duplicated += extra;
            if (extra > 0 || own.Count != 1 || own.Any(w => w.Active))
            {
                Console.WriteLine($"  {failure.Repository.Name}: {own.Count} workflow(s) [{string.Join(", ", own.Select(w => w.Active ? w.State : w.Outcome))}], {commits} commit(s) pushed, {comments} comment(s)");
            }
        }

        if (others.Count > 0)
        {
            Console.WriteLine($"  other outcomes: {string.Join("; ", others)}");
        }

        var recovery = finishedAt > faultAt ? (finishedAt - faultAt).TotalSeconds : 0;
        Console.WriteLine($"services not running after the run: {string.Join(", ", ResourceNames.Services.Where(service => system.AppHost.FindService(service) is null))}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT chaos {name}: pushed {pushed}, escalated {escalated}, stuck {stuck}, duplicated {duplicated}, recovery {recovery:0} s{(stuck > 0 ? " (not all finished)" : "")}; target {count} pushed, 0 stuck, 0 duplicated"));
        File.Delete(marker);
        return 0;
    }

    /// <summary>Commits on the PR's branch after its seeded head (each fix push adds one).</summary>
    private static async Task<int> CommitsSinceAsync(FormatFailure failure, CancellationToken cancellationToken)
    {
        var refs = await failure.Repository.ListRefsAsync(cancellationToken);
        if (!refs.TryGetValue($"refs/heads/{failure.PullRequest.HeadRef}", out var sha))
        {
            return 0;
        }

        var commits = 0;
        while (sha != failure.Head)
        {
            var commit = await failure.Repository.GetCommitAsync(sha, cancellationToken);
            if (commit.Parents.Count == 0)
            {
                break;
            }

            commits++;
            sha = commit.Parents[0];
        }

        return commits;
    }
}
