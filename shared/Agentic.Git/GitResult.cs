using System.Text;

namespace Agentic.Git;

/// <summary>How a git command ended.</summary>
public sealed record GitResult
{
    public required int ExitCode { get; init; }
    public required bool TimedOut { get; init; }
    public required bool OutputLimitExceeded { get; init; }

    /// <summary>Standard output (up to the output cap).</summary>
    public required byte[] Output { get; init; }

    /// <summary>The end of standard error, decoded as UTF-8 and scrubbed of the token and anything that looks like a credential.</summary>
    public required string Error { get; init; }

    public bool Succeeded => ExitCode == 0 && !TimedOut && !OutputLimitExceeded;

    /// <summary>Standard output as text, trimmed.</summary>
    public string Text => Encoding.UTF8.GetString(Output).Trim();
}

/// <summary>A git command failed; the message carries git's own (scrubbed) error output, never the token.</summary>
public sealed class GitException(string command, GitResult result)
    : Exception($"git {command} failed (exit {result.ExitCode}{(result.TimedOut ? ", timed out" : "")}{(result.OutputLimitExceeded ? ", output limit exceeded" : "")}): {result.Error}")
{
    public int ExitCode { get; } = result.ExitCode;

    public bool TimedOut { get; } = result.TimedOut;

    public string Error { get; } = result.Error;
}
