namespace Agentic.Executor.Processes;

/// <summary>One program with its arguments (never a shell string) and the limits it runs under.</summary>
public sealed record ProcessRequest
{
    public required string FileName { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public required string WorkingDirectory { get; init; }

    /// <summary>Variables set (or, with a null value, removed) on top of the inherited environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// False: the process starts from <see cref="Environment"/> alone, nothing of the service's own environment
    /// (connection strings, credentials) is passed on.
    /// </summary>
    public bool InheritEnvironment { get; init; } = true;

    public required TimeSpan Timeout { get; init; }

    /// <summary>Output (stdout + stderr) after which the process tree is killed.</summary>
    public long MaxOutputBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>How much of the end of the combined output is kept.</summary>
    public int TailBytes { get; init; } = 16 * 1024;

    /// <summary>Keep the whole standard output (up to <see cref="MaxOutputBytes"/>), e.g. for <c>git diff</c>.</summary>
    public bool CaptureStandardOutput { get; init; }

    /// <summary>Written to standard input, which is then closed; null: standard input is closed at once.</summary>
    public byte[]? StandardInput { get; init; }
}

/// <summary>How a process ended.</summary>
public sealed record ProcessResult
{
    public required int ExitCode { get; init; }
    public required TimeSpan Duration { get; init; }
    public required bool TimedOut { get; init; }
    public required bool OutputLimitExceeded { get; init; }
    public required long OutputBytes { get; init; }

    /// <summary>The end of stdout and stderr interleaved as read, decoded as UTF-8 (not yet scrubbed).</summary>
    public required string OutputTail { get; init; }

    /// <summary>The whole standard output when <see cref="ProcessRequest.CaptureStandardOutput"/> was set.</summary>
    public byte[] StandardOutput { get; init; } = [];

    public bool Succeeded => ExitCode == 0 && !TimedOut && !OutputLimitExceeded;
}
