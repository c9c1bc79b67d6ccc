using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Agentic.Git;

namespace Agentic.Executor.Processes;

/// <summary>
/// Runs a program through <see cref="ProcessStartInfo.ArgumentList"/> (no shell), reads its output with a byte cap and
/// a wall-clock limit; when either is exceeded, or the caller cancels, the whole process tree is killed.
/// </summary>
public sealed class ProcessRunner(TimeProvider timeProvider)
{
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    public async Task<ProcessResult> RunAsync(ProcessRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var startInfo = new ProcessStartInfo(request.FileName)
        {
            WorkingDirectory = request.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in request.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (!request.InheritEnvironment)
        {
            startInfo.Environment.Clear();
        }

        foreach (var (name, value) in request.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(name);
            }
            else
            {
                startInfo.Environment[name] = value;
            }
        }

        var started = timeProvider.GetTimestamp();
        using var process = new Process { StartInfo = startInfo };
        try
        {
            // From the launcher's long-lived thread: the sandbox's parent-death signal follows the forking thread.
            await ProcessLauncher.StartAsync(process, cancellationToken);
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start '{request.FileName}': {e.Message}", e);
        }

        var output = new OutputCollector(request.MaxOutputBytes, request.TailBytes, request.CaptureStandardOutput);
        using var limits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limits.CancelAfter(request.Timeout);
        using var overflow = new CancellationTokenSource();
        var stdout = PumpAsync(process.StandardOutput.BaseStream, output, isStandardOutput: true, overflow, limits.Token);
        var stderr = PumpAsync(process.StandardError.BaseStream, output, isStandardOutput: false, overflow, limits.Token);
        var stdin = ChildProcess.WriteInputAsync(process, request.StandardInput, limits.Token);

        var timedOut = false;
        using var anyLimit = CancellationTokenSource.CreateLinkedTokenSource(limits.Token, overflow.Token);
        try
        {
            await process.WaitForExitAsync(anyLimit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = limits.IsCancellationRequested && !overflow.IsCancellationRequested;
            ChildProcess.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Grandchildren that inherited the pipes may keep them open; do not wait for them forever.
        using var drain = new CancellationTokenSource(DrainGrace);
        try
        {
            await Task.WhenAll(stdout, stderr).WaitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            ChildProcess.KillTree(process);
        }

        await stdin;
        cancellationToken.ThrowIfCancellationRequested();
        return new ProcessResult
        {
            ExitCode = process.ExitCode,
            Duration = timeProvider.GetElapsedTime(started),
            TimedOut = timedOut,
            OutputLimitExceeded = output.Exceeded,
            OutputBytes = output.Total,
            OutputTail = output.Tail(),
            StandardOutput = output.StandardOutput(),
        };
    }

    private static async Task PumpAsync(Stream stream, OutputCollector output, bool isStandardOutput, CancellationTokenSource overflow, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    return;
                }

                if (!output.Add(buffer.AsSpan(0, read), isStandardOutput))
                {
                    await overflow.CancelAsync();
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The process was killed or closed its end.
        }
    }

    /// <summary>Counts all output, keeps a ring buffer of the last bytes and, when asked, all of stdout.</summary>
    private sealed class OutputCollector(long maxBytes, int tailBytes, bool captureStandardOutput)
    {
        private readonly Lock _gate = new();
        private readonly byte[] _ring = new byte[Math.Max(1, tailBytes)];
        private readonly MemoryStream? _stdout = captureStandardOutput ? new MemoryStream() : null;
        private long _ringWritten;

        public long Total { get; private set; }

        public bool Exceeded { get; private set; }

        public bool Add(ReadOnlySpan<byte> data, bool isStandardOutput)
        {
            lock (_gate)
            {
                var room = maxBytes - Total;
                if (data.Length > room)
                {
                    data = data[..(int)Math.Max(0, room)];
                    Exceeded = true;
                }

                Total += data.Length;
                if (isStandardOutput)
                {
                    _stdout?.Write(data);
                }

                foreach (var b in data)
                {
                    _ring[_ringWritten++ % _ring.Length] = b;
                }

                return !Exceeded;
            }
        }

        public string Tail()
        {
            lock (_gate)
            {
                if (_ringWritten <= _ring.Length)
                {
                    return Encoding.UTF8.GetString(_ring, 0, (int)_ringWritten);
                }

                var start = (int)(_ringWritten % _ring.Length);
                var ordered = new byte[_ring.Length];
                _ring.AsSpan(start).CopyTo(ordered);
                _ring.AsSpan(0, start).CopyTo(ordered.AsSpan(_ring.Length - start));
                return "…" + Encoding.UTF8.GetString(ordered).TrimStart('\uFFFD');
            }
        }

        public byte[] StandardOutput()
        {
            lock (_gate)
            {
                return _stdout?.ToArray() ?? [];
            }
        }
    }
}
