using System.Text;
using Agentic.Executor.Workspaces;

namespace Agentic.Executor.Commands;

/// <summary>
/// Applies an untrusted unified diff (argument <c>diff</c>, e.g. proposed by an LLM): every path is checked first
/// (relative, inside the repository, no <c>..</c>, no <c>.git</c>, no <c>.github/workflows</c>, no symbolic links on the
/// way, no symlink or submodule modes, no binary patches), then <c>git apply --check</c>, then <c>git apply</c>.
/// </summary>
public sealed class ApplyDiffCommand(GitCli git) : ILibraryCommand
{
    public const int MaxDiffBytes = 1024 * 1024;

    public string Name => "apply-diff";

    public bool AllowsNetwork => false;

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
        string[] common = ["-c", "core.symlinks=true", "apply", "--whitespace=nowarn", "--recount", "-p1"];
        var check = await git.RunAsync(context.Workspace, [.. common, "--check", "-"], null, cancellationToken, input: input);
        if (!check.Succeeded)
        {
            return new(CommandStatus.ProposalFailed, $"the diff does not apply: {check.OutputTail.Trim()}");
        }

        var apply = await git.RunAsync(context.Workspace, [.. common, "-"], null, cancellationToken, input: input);
        return apply.Succeeded ? new(CommandStatus.Ran) : new(CommandStatus.Failed, $"git apply failed: {apply.OutputTail.Trim()}");
    }

    /// <summary>The first problem with the paths and modes of <paramref name="diff"/>, or null.</summary>
    public static string? CheckPaths(string diff, string? workspace)
    {
        ArgumentNullException.ThrowIfNull(diff);
        var files = 0;
        foreach (var raw in diff.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            IEnumerable<string> paths;
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                var rest = line["diff --git ".Length..];
                if (rest.Contains('"', StringComparison.Ordinal))
                {
                    return "quoted paths are not accepted";
                }

                var split = rest.IndexOf(" b/", StringComparison.Ordinal);
                if (!rest.StartsWith("a/", StringComparison.Ordinal) || split < 0)
                {
                    return $"unexpected header '{line}'";
                }

                paths = [rest[2..split], rest[(split + 3)..]];
                files++;
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal) || line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var path = line[4..].Split('\t')[0].Trim();
                if (path == "/dev/null")
                {
                    continue;
                }

                if (path.StartsWith('"'))
                {
                    return "quoted paths are not accepted";
                }

                if (!(path.StartsWith("a/", StringComparison.Ordinal) || path.StartsWith("b/", StringComparison.Ordinal)))
                {
                    return $"'{path}' must start with a/ or b/";
                }

                paths = [path[2..]];
                files++;
            }
            else if (line.StartsWith("rename from ", StringComparison.Ordinal) || line.StartsWith("rename to ", StringComparison.Ordinal)
                || line.StartsWith("copy from ", StringComparison.Ordinal) || line.StartsWith("copy to ", StringComparison.Ordinal))
            {
                paths = [line[(line.IndexOf(' ', line.IndexOf(' ', StringComparison.Ordinal) + 1) + 1)..]];
            }
            else if (line.StartsWith("GIT binary patch", StringComparison.Ordinal) || (line.StartsWith("Binary files ", StringComparison.Ordinal) && line.EndsWith(" differ", StringComparison.Ordinal)))
            {
                return "binary patches are not accepted";
            }
            else if ((line.StartsWith("new file mode ", StringComparison.Ordinal) || line.StartsWith("new mode ", StringComparison.Ordinal)
                || line.StartsWith("deleted file mode ", StringComparison.Ordinal) || line.StartsWith("old mode ", StringComparison.Ordinal) || line.StartsWith("index ", StringComparison.Ordinal))
                && (line.Contains("120000", StringComparison.Ordinal) || line.Contains("160000", StringComparison.Ordinal)))
            {
                return "symbolic links and submodules are not accepted";
            }
            else
            {
                continue;
            }

            foreach (var path in paths)
            {
                if (ArgumentRules.RepositoryPath(path) is { } problem)
                {
                    return problem;
                }

                if (path.StartsWith(".github/workflows/", StringComparison.OrdinalIgnoreCase))
                {
                    return $"'{path}': workflow files are never changed";
                }

                if (workspace is not null && ArgumentRules.CrossesSymlink(workspace, path))
                {
                    return $"'{path}' goes through a symbolic link";
                }
            }
        }

        return files == 0 ? "not a unified diff (no file headers)" : null;
    }
}
