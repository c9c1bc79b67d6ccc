using Agentic.Executor.Sandbox;

namespace Agentic.Executor.Commands;

/// <summary>A named command of the library: validated arguments, never interpolated into a shell.</summary>
public interface ILibraryCommand
{
    string Name { get; }

    /// <summary>The problem with <paramref name="arguments"/>, or null; checked before any workspace is prepared.</summary>
    string? ValidateArguments(IReadOnlyDictionary<string, string> arguments);

    Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken);
}

/// <summary>The working copy a command runs in.</summary>
public sealed record CommandContext(string Workspace, IReadOnlyList<string> ReadOnlyPaths, IReadOnlyDictionary<string, string> Arguments, TimeSpan Timeout);

public enum CommandStatus
{
    /// <summary>It ran; look at the working copy for changes.</summary>
    Ran,

    /// <summary>The repository has nothing this command works on (e.g. no prettier in package.json).</summary>
    NotApplicable,

    /// <summary>Policy said no (e.g. a diff touching paths outside the repository).</summary>
    Refused,

    /// <summary>The tool failed.</summary>
    Failed,

    /// <summary>The proposed change is wrong for this code (a diff that does not apply): the next attempt may do better.</summary>
    ProposalFailed,

    /// <summary>Over its time or output limit; the tree was killed.</summary>
    TimedOut,
}

public sealed record CommandRunResult(CommandStatus Status, string? Message = null, SandboxResult? Sandbox = null)
{
    /// <summary>What ran, as a person would type it (e.g. <c>prettier --write src/a.ts</c>); null: the command's name says it.</summary>
    public string? CommandLine { get; init; }

    /// <summary>What to report when it ran and the working copy did not change (e.g. "prettier --write src/a.ts changed nothing: ...").</summary>
    public string? NoChangeReason { get; init; }

    public static CommandRunResult From(SandboxResult result, params int[] acceptableExitCodes)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.TimedOut || result.OutputLimitExceeded)
        {
            return new(CommandStatus.TimedOut, result.TimedOut ? "the command timed out" : "the command exceeded its output limit", result);
        }

        return result.ExitCode == 0 || acceptableExitCodes.Contains(result.ExitCode)
            ? new(CommandStatus.Ran, null, result)
            : new(CommandStatus.Failed, $"exit code {result.ExitCode}: {Last(result.OutputTail, 2000)}", result);
    }

    private static string Last(string text, int length) => text.Length <= length ? text.Trim() : "…" + text[^length..].Trim();
}
