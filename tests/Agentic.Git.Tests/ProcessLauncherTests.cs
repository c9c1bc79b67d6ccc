using System.Diagnostics;

namespace Agentic.Git.Tests;

/// <summary>
/// <see cref="ProcessLauncher"/> against Linux's parent-death signal, which follows the thread that forked the child
/// (bubblewrap's <c>--die-with-parent</c> in the Executor's sandbox works the same way as <c>setpriv --pdeathsig</c>).
/// </summary>
public sealed class ProcessLauncherTests
{
    [Test]
    public void Should_keep_a_child_with_a_parent_death_signal_running_when_the_thread_that_asked_for_it_ends()
    {
        using var direct = Sleeper();
        using var launched = Sleeper();

        // Each start is asked for from a short-lived thread, like a thread-pool thread that retires. The thread ends only
        // once the child has armed its parent-death signal (it says so on its output): armed later, it would never fire.
        RunOnThreadThatEnds(() =>
        {
            direct.Start();
            WaitUntilArmed(direct);
        });
        RunOnThreadThatEnds(() =>
        {
            ProcessLauncher.StartAsync(launched, CancellationToken.None).GetAwaiter().GetResult();
            WaitUntilArmed(launched);
        });

        try
        {
            // The premise: forked by the ended thread itself, the child is killed when that thread ends.
            Assert.That(direct.WaitForExit(TimeSpan.FromSeconds(10)), Is.True, "started by the thread that ended: killed with it");
            Assert.That(direct.ExitCode, Is.EqualTo(137), "SIGKILL");
            Assert.That(launched.HasExited, Is.False, "started by the launcher's long-lived thread: still running");
        }
        finally
        {
            KillQuietly(direct);
            KillQuietly(launched);
        }
    }

    private static Process Sleeper() => new()
    {
        StartInfo = new ProcessStartInfo("setpriv")
        {
            ArgumentList = { "--pdeathsig", "KILL", "--", "sh", "-c", "echo armed; exec sleep 60" },
            UseShellExecute = false,
            RedirectStandardOutput = true,
        },
    };

    private static void WaitUntilArmed(Process process) =>
        Assert.That(process.StandardOutput.ReadLine(), Is.EqualTo("armed"), "the child runs with its parent-death signal set");

    private static void RunOnThreadThatEnds(Action action)
    {
        var thread = new Thread(() => action());
        thread.Start();
        thread.Join();
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
    }
}
