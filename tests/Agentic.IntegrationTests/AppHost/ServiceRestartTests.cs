using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using Agentic.AppHost.Hosting;
using Agentic.IntegrationTests.Infrastructure;
using Agentic.ServiceDefaults;
using Agentic.StandIns;
using Agentic.StandIns.GitHub;
using Agentic.Testing;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Dapper;
using Npgsql;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>
/// Issue 12, "a service that crashes is restarted or shown as failed": the AppHost (in the test process, as
/// <see cref="InProcessAppHost"/> runs it) with <c>AppHost__MaxRestarts=1</c>. PR Discovery killed with SIGKILL is
/// started again (a new process, healthy), a <c>check_run</c> webhook the gateway accepted while it was down is
/// recorded once it is back (its queue is durable), a Stop from the command (the dashboard's) is left stopped, and the
/// next crash past the limit leaves it exited with its exit code and a line saying so in its log.
/// </summary>
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class ServiceRestartTests
{
    private const string Killed = ResourceNames.PullRequestDiscovery;
    private const string Stopped = ResourceNames.ReviewOrchestrator;

    [Test]
    public async Task Should_start_a_killed_service_again_and_process_what_the_gateway_accepted_meanwhile_then_leave_it_exited_past_the_restart_limit()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var state = Path.Combine(TestEnvironment.Root, $"apphost-restarts-{Guid.NewGuid():N}");
        Environment.SetEnvironmentVariable("AppHost__MaxRestarts", "1");
        InProcessAppHost appHost;
        try
        {
            appHost = await InProcessAppHost.StartAsync(state, [], timeout.Token);
        }
        finally
        {
            Environment.SetEnvironmentVariable("AppHost__MaxRestarts", null);
        }

        await using (appHost)
        {
            await appHost.WaitUntilHealthyAsync([ResourceNames.Postgres, ResourceNames.Messaging, .. ResourceNames.Services], AgenticResources.Migrations, timeout.Token);
            var notifications = appHost.App.ResourceNotifications;
            var firstPid = appHost.ProcessId(Killed) ?? throw new AssertionException("no process id for " + Killed);

            var checkRunId = Random.Shared.NextInt64(1_000_000_000, long.MaxValue);
            var payload = CheckRun(checkRunId);
            var secret = new LocalSecrets(Path.Combine(state, "secrets")).GetOrCreate(LocalSecrets.GitHubWebhookSecret);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

            Kill(firstPid);
            var exited = await notifications.WaitForResourceAsync(Killed, IsExited, timeout.Token);
            using var accepted = await StandInWebhooks.DeliverAsync(http, new Uri(appHost.Gateway, "webhooks/github"), "check_run", payload, secret, timeout.Token);
            var backWhenAccepted = await IsRunningAndReadyAsync(appHost, Killed, timeout.Token);
            var restarted = await Polling.UntilAsync(
                async () => appHost.ProcessId(Killed) is { } pid && pid != firstPid && await IsRunningAndReadyAsync(appHost, Killed, timeout.Token), TimeSpan.FromMinutes(2));
            Assert.That(restarted, Is.True, () => $"{Killed} was not started again:\n{appHost.Describe()}\n{appHost.RecentOutput()}");
            var secondPid = appHost.ProcessId(Killed)!.Value;
            var restartLogged = LogOf(appHost, Killed).Any(line => line.Contains($"{Killed} exited (exit code {exited.Snapshot.ExitCode}): restart 1 of 1 in 1 s", StringComparison.Ordinal));

            await using var connection = new NpgsqlConnection(await appHost.App.GetConnectionStringAsync(ResourceNames.Postgres, timeout.Token));
            var recorded = await Polling.UntilAsync(
                () => connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM check_runs WHERE id = @checkRunId)", new { checkRunId }), TimeSpan.FromMinutes(1));

            // The dashboard's Stop is Aspire's stop command: the service stays stopped.
            var stop = await appHost.App.ResourceCommands.ExecuteCommandAsync(Stopped, KnownResourceCommands.StopCommand, timeout.Token);
            await notifications.WaitForResourceAsync(Stopped, IsExited, timeout.Token);
            var stoppedStartedAgain = await Polling.UntilAsync(() => !IsExited(Current(appHost, Stopped)), TimeSpan.FromSeconds(4));

            // Past the limit (one restart within 5 minutes here): shown exited with its exit code and why.
            Kill(secondPid);
            var gaveUp = await Polling.UntilAsync(() => LogOf(appHost, Killed).Any(line => line.Contains($"{Killed} exited (exit code {exited.Snapshot.ExitCode}): not restarted again after 1 restarts within 5 minutes", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
            var last = Current(appHost, Killed);

            Assert.Multiple(() =>
            {
                Assert.That(exited.Snapshot.ExitCode, Is.Not.Null.And.Not.Zero, "a killed process' exit code");
                Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "the gateway accepts while PR Discovery is down");
                Assert.That(backWhenAccepted, Is.False, "accepted before PR Discovery was back (ready: its bus started)");
                Assert.That(recorded, Is.True, () => $"the check run accepted while {Killed} was down was not recorded:\n{appHost.RecentOutput()}");
                Assert.That(restartLogged, Is.True, "the restart in the service's log");
                Assert.That(stop.Success, Is.True, stop.Message);
                Assert.That(stoppedStartedAgain, Is.False, () => $"{Stopped} was started again after a Stop:\n{appHost.Describe()}");
                Assert.That(LogOf(appHost, Stopped), Has.None.Contains($"{Stopped} exited"), "a Stop is no crash");
                Assert.That(gaveUp, Is.True, () => $"no line saying {Killed} is left exited:\n{string.Join('\n', LogOf(appHost, Killed))}");
                Assert.That(IsExited(last) && last.Snapshot.ExitCode is not (null or 0), Is.True, () => $"{Killed} after the limit: {appHost.Describe()}");
                Assert.That(ProcessTree.IsAlive(secondPid), Is.False);
            });
            TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Killed}: pid {firstPid} killed, {secondPid} after the restart; {appHost.Describe()}"));
        }
    }

    /// <summary>The resource's lines among the last ones the AppHost kept (each is its resource's log line, after a time stamp).</summary>
    private static List<string> LogOf(InProcessAppHost appHost, string name) =>
        [.. appHost.RecentOutput(400).Split('\n').Where(line => line.StartsWith($"[{name}] ", StringComparison.Ordinal))];

    private static bool IsExited(ResourceEvent resourceEvent) =>
        resourceEvent.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state);

    private static ResourceEvent Current(InProcessAppHost appHost, string name) =>
        appHost.App.ResourceNotifications.TryGetCurrentState(name, out var resourceEvent) ? resourceEvent : throw new AssertionException("no state for " + name);

    private static void Kill(int pid)
    {
        Assert.That(ProcessTree.TryRead(pid, out var process), Is.True, $"process {pid} is gone already");
        Assert.That(ProcessTree.Signal([process], Signals.Kill), Is.EqualTo(1), $"SIGKILL to {pid}");
    }

    /// <summary>Running in Aspire's eyes and its own <c>/health/ready</c> answering 200.</summary>
    private static async Task<bool> IsRunningAndReadyAsync(InProcessAppHost appHost, string name, CancellationToken cancellationToken)
    {
        if (Current(appHost, name).Snapshot.State?.Text != KnownResourceStates.Running)
        {
            return false;
        }

        using var http = new HttpClient { BaseAddress = appHost.App.GetEndpoint(name, "http"), Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync(new Uri(HealthEndpoints.Readiness, UriKind.Relative), cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>GitHub's example <c>check_run.completed</c> as check run <paramref name="checkRunId"/>, a success: nothing to fix.</summary>
    private static JsonObject CheckRun(long checkRunId)
    {
        var payload = WebhookExamples.Get("check_run", "completed").First();
        payload["check_run"]!["id"] = checkRunId;
        payload["check_run"]!["conclusion"] = "success";
        return payload;
    }
}
