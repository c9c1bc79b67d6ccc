using System.Collections.Concurrent;
using System.Diagnostics;

namespace Agentic.Testing;

/// <summary>
/// A child process with its output captured line by line, stopped with a chosen signal and, after a timeout, killed
/// together with everything it started. Disposing stops it.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ChildProcessStartInfo _startInfo;
    private readonly bool _ownSession;
    private readonly ConcurrentQueue<string> _recent = new();
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<int, ProcessTree.ProcessInfo> _knownDescendants = new();

    private ChildProcess(Process process, ChildProcessStartInfo startInfo, bool ownSession)
    {
        _process = process;
        _startInfo = startInfo;
        _ownSession = ownSession;
        Pid = process.Id;
    }

    public string Name => _startInfo.Name;

    public int Pid { get; }

    /// <summary>Completes with the exit code when the process exits (128 + signal number when a signal ended it).</summary>
    public Task<int> Completion => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public IReadOnlyList<string> RecentOutput => [.. _recent];

    public static async Task<ChildProcess> StartAsync(ChildProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
        cancellationToken.ThrowIfCancellationRequested();
        var processStartInfo = startInfo.ToProcessStartInfo(out var ownSession);
        var process = await ProcessLauncher.StartAsync(processStartInfo, cancellationToken);
        var child = new ChildProcess(process, startInfo, ownSession);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child.OnExited();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (process.HasExited)
        {
            child.OnExited();
        }

        return child;
    }

    /// <summary>Sends <paramref name="signal"/> to the process itself; false if it is gone.</summary>
    public bool Signal(int signal) => !HasExited && NativeMethods.Kill(Pid, signal);

    /// <summary>The last lines of output, for an error message.</summary>
    public string DescribeRecentOutput(int lines = 20)
    {
        var recent = RecentOutput;
        return recent.Count == 0 ? "(no output)" : string.Join(System.Environment.NewLine, recent.Skip(Math.Max(0, recent.Count - lines)));
    }

    /// <summary>Waits until the process has exited and its output has been read to the end, at most <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await _exited.Task.WaitAsync(timeoutSource.Token);
            await _process.WaitForExitAsync(timeoutSource.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return _exited.Task.IsCompleted;
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/>, waits up to <paramref name="timeout"/>, then kills the process and its tree;
    /// finally stops anything it left behind. Returns the exit code.
    /// </summary>
    public async Task<int> StopAsync(int signal, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!HasExited)
        {
            RememberDescendants();
            Signal(signal);
            if (!await WaitForExitAsync(timeout, cancellationToken))
            {
                RememberDescendants();
                NativeMethods.Kill(Pid, Signals.Kill);
                ProcessTree.Signal(_knownDescendants.Values, Signals.Kill);
                await WaitForExitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            }
        }

        await StopLeftoversAsync(TimeSpan.FromSeconds(3), cancellationToken);
        return await _exited.Task;
    }

    /// <summary>
    /// After the process exited: SIGTERM, then SIGKILL, to whatever still runs in its session or was seen among its
    /// descendants. Returns how many processes were left.
    /// </summary>
    public async Task<int> StopLeftoversAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        var leftovers = Leftovers();
        if (leftovers.Count == 0)
        {
            return 0;
        }

        ProcessTree.Signal(leftovers, Signals.Terminate);
        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline && Leftovers().Count > 0)
        {
            await Task.Delay(100, cancellationToken);
        }

        ProcessTree.Signal(Leftovers(), Signals.Kill);
        return leftovers.Count;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(Signals.Terminate, TimeSpan.FromSeconds(10), CancellationToken.None);
        _process.Dispose();
    }

    private List<ProcessTree.ProcessInfo> Leftovers()
    {
        var result = new Dictionary<int, ProcessTree.ProcessInfo>();
        if (!HasExited)
        {
            foreach (var descendant in ProcessTree.Descendants(Pid))
            {
                result[descendant.Pid] = descendant;
            }
        }

        if (_ownSession)
        {
            foreach (var member in ProcessTree.SessionMembers(Pid))
            {
                result[member.Pid] = member;
            }
        }

        foreach (var known in _knownDescendants.Values)
        {
            if (ProcessTree.TryRead(known.Pid, out var now) && now.StartTicks == known.StartTicks && now.State is not ('Z' or 'X'))
            {
                result[known.Pid] = known;
            }
        }

        result.Remove(Pid);
        return [.. result.Values];
    }

    private void RememberDescendants()
    {
        foreach (var descendant in ProcessTree.Descendants(Pid))
        {
            _knownDescendants[descendant.Pid] = descendant;
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        _recent.Enqueue(line);
        while (_recent.Count > _startInfo.RecentLines && _recent.TryDequeue(out _))
        {
        }

        _startInfo.Output?.Invoke(line);
    }

    private void OnExited()
    {
        int exitCode;
        try
        {
            exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException)
        {
            exitCode = -1;
        }

        _exited.TrySetResult(exitCode);
    }
}
