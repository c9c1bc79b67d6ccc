using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Agentic.Git;

/// <summary>
/// The host-side <c>git</c> CLI, run with an argument list (never a shell). A token goes only into the child's
/// environment as <c>GIT_CONFIG_KEY_0=http.extraHeader</c> (readable by the same user only, unlike a command line in
/// /proc): never on the command line, in a config file or in output. Hooks, credential helpers, prompts and the system
/// config are off. Past the time limit or the output cap, or when the caller cancels, the whole process tree is killed.
/// </summary>
public sealed class GitCli(TimeSpan timeout, bool trustWorkingDirectory = false)
{
    public const long DefaultMaxOutputBytes = 64L * 1024 * 1024;

    private const int ErrorTailBytes = 8 * 1024;

    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(2);

    private static readonly string[] SafeArguments = ["-c", "core.hooksPath=/dev/null", "-c", "credential.helper="];

    private static readonly Dictionary<string, string> SafeEnvironment = new()
    {
        ["GIT_TERMINAL_PROMPT"] = "0",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_ASKPASS"] = "/bin/false",
        ["SSH_ASKPASS"] = "/bin/false",
        ["GCM_INTERACTIVE"] = "never",
        ["LC_ALL"] = "C",
    };

    /// <summary>No time limit; cancellation still stops git.</summary>
    public GitCli()
        : this(Timeout.InfiniteTimeSpan)
    {
    }

    /// <summary>
    /// With <c>trustWorkingDirectory</c>, each command passes <c>-c safe.directory=&lt;its working directory&gt;</c>: for
    /// working trees another account owns (the Executor's sandbox account), without touching any global config.
    /// </summary>
    public bool TrustsWorkingDirectory => trustWorkingDirectory;

    /// <summary>Runs git; a failure is in the result, not thrown (cancellation is).</summary>
    /// <param name="token">A GitHub token sent as <c>Authorization: Basic x-access-token:TOKEN</c> on git's HTTP requests.</param>
    /// <param name="input">Written to standard input, which is then closed; null: closed at once.</param>
    /// <param name="environment">Variables set on top of the inherited environment (e.g. the committer's identity).</param>
    /// <param name="maxOutputBytes">Output (stdout + stderr) after which git is killed.</param>
    public async Task<GitResult> RunAsync(
        string workingDirectory, IEnumerable<string> arguments, string? token, CancellationToken cancellationToken,
        byte[]? input = null, IReadOnlyDictionary<string, string>? environment = null, long maxOutputBytes = DefaultMaxOutputBytes)
    {
        var all = trustWorkingDirectory ? ["-c", "safe.directory=" + Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory)), .. arguments] : arguments;
        using var process = new Process { StartInfo = StartInfo(workingDirectory, all, token, environment) };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot start git: {e.Message}", e);
        }

        using var output = new OutputBuffer(maxOutputBytes);
        using var limits = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limits.CancelAfter(timeout);
        var streams = Task.WhenAll(
            ChildProcess.WriteInputAsync(process, input, limits.Token),
            ReadAsync(process, process.StandardOutput.BaseStream, output, isError: false, limits.Token),
            ReadAsync(process, process.StandardError.BaseStream, output, isError: true, limits.Token));

        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limits.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            ChildProcess.KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // A helper that inherited the pipes may keep them open after git exits; do not wait for it forever.
        try
        {
            await streams.WaitAsync(DrainGrace, CancellationToken.None);
        }
        catch (TimeoutException)
        {
            ChildProcess.KillTree(process);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new GitResult
        {
            ExitCode = process.ExitCode,
            TimedOut = timedOut,
            OutputLimitExceeded = output.Exceeded,
            Output = output.StandardOutput(),
            Error = OutputScrubber.Scrub(output.ErrorTail(), token is null ? null : [token]).Trim(),
        };
    }

    /// <summary>Runs git and returns its standard output trimmed; a failure throws <see cref="GitException"/>.</summary>
    public async Task<string> RunCheckedAsync(
        string workingDirectory, IEnumerable<string> arguments, string? token, CancellationToken cancellationToken,
        byte[]? input = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = arguments.ToList();
        var result = await RunAsync(workingDirectory, list, token, cancellationToken, input, environment);
        return result.Succeeded ? result.Text : throw new GitException(CommandName(list), result);
    }

    private static ProcessStartInfo StartInfo(string workingDirectory, IEnumerable<string> arguments, string? token, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in SafeArguments.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment is null ? SafeEnvironment : SafeEnvironment.Concat(environment))
        {
            start.Environment[name] = value;
        }

        if (token is not null)
        {
            start.Environment["GIT_CONFIG_COUNT"] = "1";
            start.Environment["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            start.Environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"x-access-token:{token}"));
        }

        return start;
    }

    /// <summary>The subcommand, for messages: the first argument that is neither an option nor the value of <c>-c</c>/<c>-C</c>.</summary>
    private static string CommandName(List<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "-c" or "-C")
            {
                i++;
            }
            else if (!arguments[i].StartsWith('-'))
            {
                return arguments[i];
            }
        }

        return "(no command)";
    }

    private static async Task ReadAsync(Process process, Stream stream, OutputBuffer output, bool isError, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (!output.Add(buffer.AsSpan(0, read), isError))
                {
                    ChildProcess.KillTree(process);
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // git was killed or closed its end.
        }
    }

    /// <summary>All of standard output and the end of standard error, both counted against one cap.</summary>
    private sealed class OutputBuffer(long maxBytes) : IDisposable
    {
        private readonly Lock _gate = new();
        private readonly MemoryStream _output = new();
        private readonly MemoryStream _error = new();
        private long _total;
        private bool _errorCut;

        public bool Exceeded { get; private set; }

        /// <summary>False once the cap is reached.</summary>
        public bool Add(ReadOnlySpan<byte> data, bool isError)
        {
            lock (_gate)
            {
                if (data.Length > maxBytes - _total)
                {
                    data = data[..(int)Math.Max(0, maxBytes - _total)];
                    Exceeded = true;
                }

                _total += data.Length;
                (isError ? _error : _output).Write(data);
                if (_error.Length > 2 * ErrorTailBytes)
                {
                    var tail = _error.GetBuffer().AsSpan((int)_error.Length - ErrorTailBytes, ErrorTailBytes).ToArray();
                    _error.SetLength(0);
                    _error.Write(tail);
                    _errorCut = true;
                }

                return !Exceeded;
            }
        }

        public byte[] StandardOutput()
        {
            lock (_gate)
            {
                return _output.ToArray();
            }
        }

        public string ErrorTail()
        {
            lock (_gate)
            {
                var bytes = _error.GetBuffer().AsSpan(0, (int)_error.Length);
                if (bytes.Length <= ErrorTailBytes && !_errorCut)
                {
                    return Encoding.UTF8.GetString(bytes);
                }

                return "…" + Encoding.UTF8.GetString(bytes[^Math.Min(bytes.Length, ErrorTailBytes)..]).TrimStart('\uFFFD');
            }
        }

        public void Dispose()
        {
            _output.Dispose();
            _error.Dispose();
        }
    }
}
