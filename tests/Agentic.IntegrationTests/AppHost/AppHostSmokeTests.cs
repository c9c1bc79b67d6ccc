using Agentic.AppHost.Infrastructure;
using Agentic.AppHost.Orchestration;
using Agentic.AppHost.Remote;
using Agentic.ServiceDefaults;

namespace Agentic.IntegrationTests.AppHost;

/// <summary>The README's run command, end to end: the AppHost brings up every resource, then Ctrl+C leaves nothing behind.</summary>
[NonParallelizable]
public sealed class AppHostSmokeTests
{
    [Test]
    public async Task Should_bring_every_resource_up_healthy_and_leave_no_process_after_ctrl_c()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stateDirectory = Path.Combine(TestEnvironment.Root, "apphost-state");
        await using var appHost = await AppHostProcess.StartAsync(stateDirectory, reset: true, output: null, timeout.Token);

        var (elapsed, resources) = await appHost.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), timeout.Token);
        TestContext.Progress.WriteLine($"AppHost: all {resources.Count} resources healthy after {elapsed.TotalSeconds:0.0} s (cold state folder)");
        var pids = appHost.ProcessIds();

        Assert.Multiple(() =>
        {
            Assert.That(resources.Select(r => r.Name), Is.SupersetOf(ResourceNames.Services.Append(ResourceNames.Postgres).Append(ResourceNames.Messaging)));
            Assert.That(resources.Where(r => r.Type == "project"), Has.All.Matches<ResourceSnapshot>(r => r.Pid is > 0 && r.Url is not null && r.Restarts == 0));
            Assert.That(resources.Single(r => r.Name == ResourceNames.Postgres).Pid, Is.GreaterThan(0));
            Assert.That(resources.Single(r => r.Name == ResourceNames.Messaging).Pid, Is.GreaterThan(0));
            Assert.That(pids, Has.Count.GreaterThanOrEqualTo(11), "the AppHost, two servers and eight services");
        });

        var exitCode = await appHost.InterruptAsync(TimeSpan.FromSeconds(90), timeout.Token);
        await Task.Delay(TimeSpan.FromSeconds(1), timeout.Token);

        var survivors = pids.Where(ProcessTree.IsAlive).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.Zero, appHost.RecentOutput());
            Assert.That(survivors, Is.Empty, "processes left behind after Ctrl+C");
        });
    }
}
