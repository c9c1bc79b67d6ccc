using System.Collections.Concurrent;
using System.Diagnostics;

namespace Agentic.Git;

/// <summary>
/// Starts processes from one dedicated thread that lives as long as this process. A child that asks for a parent-death
/// signal (bubblewrap's <c>--die-with-parent</c>, <c>setpriv --pdeathsig</c>) gets it when the <em>thread</em> that forked
/// it ends, not the process: forked from a thread-pool thread that later retires, a running sandbox was SIGKILLed
/// (exit 137) and reported as a failed validation. Started here, the signal comes only when this process dies.
/// </summary>
public static class ProcessLauncher
{
    private static readonly BlockingCollection<(Process Process, TaskCompletionSource Started)> Queue = [];
    private static readonly Lazy<Thread> LauncherThread = new(StartThread, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Runs <see cref="Process.Start()"/> for <paramref name="process"/> on the launcher thread; faults as <c>Start</c> would.</summary>
    public static Task StartAsync(Process process, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(process);
        _ = LauncherThread.Value;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((process, started), cancellationToken);
        return started.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Agentic process launcher" };
        thread.Start();
        return thread;
    }

    private static void Run()
    {
        foreach (var (process, started) in Queue.GetConsumingEnumerable())
        {
            try
            {
                process.Start();
                started.SetResult();
            }
            catch (Exception exception)
            {
                // The caller awaits it and disposes its process.
                started.SetException(exception);
            }
        }
    }
}
