using Agentic.Contracts.Common;

namespace Agentic.CommandDispatcher.Library;

/// <summary>
/// The closed set of commands the Executor knows. The dispatcher may only pick from here; anything proposed (by an
/// LLM or a person) is matched against this list and its arguments validated, never passed through.
/// </summary>
public static class CommandLibrary
{
    /// <summary>Runs the repository's own formatters and lint fixers (dotnet format, prettier, eslint --fix), chosen by the Executor from what the repository uses.</summary>
    public const string Format = "format";

    /// <summary>Applies a unified diff proposed by an LLM; the Executor re-checks every path.</summary>
    public const string ApplyDiff = "apply-diff";

    /// <summary>The argument of <see cref="ApplyDiff"/> that carries the unified diff (untrusted text, never a shell argument).</summary>
    public const string DiffArgument = "diff";

    public static IReadOnlySet<string> Commands { get; } = new HashSet<string>(StringComparer.Ordinal) { Format, ApplyDiff };

    /// <summary>The deterministic command for a diagnosis, or null when none applies.</summary>
    public static string? DeterministicFor(FailureCategory category) => category switch
    {
        FailureCategory.FormatOrLint => Format,
        _ => null,
    };
}
