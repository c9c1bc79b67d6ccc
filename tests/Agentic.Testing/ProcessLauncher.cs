using System.Collections.Concurrent;
using System.Diagnostics;

namespace Agentic.Testing;

/// <summary>
/// Starts every child process from one dedicated thread that lives as long as the AppHost. Children are started with
/// <c>setpriv --pdeathsig</c>, and Linux delivers that signal when the <em>thread</em> that forked the child ends, so
/// forking from a pool thread that later retires would stop the child. With one long-lived thread, the signal only
/// comes when the AppHost itself dies, which is the point: a crashed or killed AppHost leaves no server behind.
/// </summary>
internal static class ProcessLauncher
{
    private static readonly BlockingCollection<(ProcessStartInfo StartInfo, TaskCompletionSource<Process> Started, CancellationToken CancellationToken)> Queue = [];
    private static readonly Lazy<Thread> LauncherThread = new(StartThread, LazyThreadSafetyMode.ExecutionAndPublication);

    public static Task<Process> StartAsync(ProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        _ = LauncherThread.Value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((startInfo, started, cancellationToken), cancellationToken);
        return started.Task;
    }

    private static Thread StartThread()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Agentic child process launcher" };
        thread.Start();
        return thread;
    }

    private static void Run()
    {
        foreach (var (startInfo, started, cancellationToken) in Queue.GetConsumingEnumerable())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                started.SetCanceled(cancellationToken);
                continue;
            }

            var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
            try
            {
                process.Start();
                started.SetResult(process);
            }
            catch (Exception exception)
            {
                // Whatever failed belongs to the caller, who awaits it.
                process.Dispose();
                started.SetException(exception);
            }
        }
    }
}
