using System.Text;
using Agentic.Git;
using Agentic.Patches;

namespace Agentic.Executor.Commands;

/// <summary>
/// Applies an untrusted unified diff (argument <c>diff</c>, e.g. proposed by an LLM): it is read hunk by hunk (counts
/// that match the lines, so git sees the same files) and every path is checked first (relative, inside the repository,
/// no <c>..</c>, no <c>.git</c>, no <c>.github/workflows</c> or <c>.github/actions</c>, no symbolic links on the way, no
/// symlink or submodule modes, no binary patches), then <c>git apply --check</c>, then <c>git apply</c>.
/// </summary>
public sealed class ApplyDiffCommand(GitCli git) : ILibraryCommand
{
    public const int MaxDiffBytes = 1024 * 1024;

    public string Name => "apply-diff";

    public string? ValidateArguments(IReadOnlyDictionary<string, string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (ArgumentRules.OnlyKeys(arguments, "diff") is { } unknown)
        {
            return unknown;
        }

        if (!arguments.TryGetValue("diff", out var diff) || string.IsNullOrWhiteSpace(diff))
        {
            return "the diff argument is required";
        }

        return Encoding.UTF8.GetByteCount(diff) > MaxDiffBytes ? $"the diff is over {MaxDiffBytes} bytes" : CheckPaths(diff, workspace: null);
    }

    public async Task<CommandRunResult> RunAsync(CommandContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var diff = context.Arguments["diff"].Replace("\r\n", "\n", StringComparison.Ordinal);
        if (!diff.EndsWith('\n'))
        {
            diff += "\n";
        }

        if (CheckPaths(diff, context.Workspace) is { } problem)
        {
            return new(CommandStatus.Refused, problem);
        }

        var input = Encoding.UTF8.GetBytes(diff);
        string[] common = ["-c", "core.symlinks=true", "apply", "--whitespace=nowarn", "-p1"];
        var check = await git.RunAsync(context.Workspace, [.. common, "--check", "-"], null, cancellationToken, input: input);
        if (!check.Succeeded)
        {
            return new(CommandStatus.ProposalFailed, $"the diff does not apply: {check.Error}");
        }

        var apply = await git.RunAsync(context.Workspace, [.. common, "-"], null, cancellationToken, input: input);
        return apply.Succeeded ? new(CommandStatus.Ran) : new(CommandStatus.Failed, $"git apply failed: {apply.Error}");
    }

    /// <summary>The first problem with the shape, paths and modes of <paramref name="diff"/>, or null.</summary>
    public static string? CheckPaths(string diff, string? workspace)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var read = UnifiedDiff.Read(diff);
        foreach (var file in read.Files)
        {
            foreach (var path in file.Paths)
            {
                if ((ArgumentRules.RepositoryPath(path) ?? CiFiles.Problem(path)) is { } problem)
                {
                    return problem;
                }

                if (workspace is not null && ArgumentRules.CrossesSymlink(workspace, path))
                {
                    return $"'{path}' goes through a symbolic link";
                }
            }

            if (file.UnsupportedContent is { } unsupported)
            {
                return unsupported;
            }
        }

        return read.Problem ?? (read.Files.Count == 0 ? "not a unified diff (no file headers)" : null);
    }
}
