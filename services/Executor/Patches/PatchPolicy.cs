using System.Globalization;
using System.Text;
using Agentic.Executor.Options;
using Agentic.Executor.Workspaces;
using Agentic.Git;
using Agentic.Patches;
using Agentic.RepositoryConfig;

namespace Agentic.Executor.Patches;

/// <summary>A change: the binary-safe diff against the head and what it touches.</summary>
public sealed record Patch(string Diff, IReadOnlyList<PatchFile> Files)
{
    public long Bytes => Encoding.UTF8.GetByteCount(Diff);

    public int LinesChanged => Files.Sum(f => f.Added + f.Deleted);
}

public sealed record PatchFile(string Path, int Added, int Deleted, bool Binary);

/// <summary>Builds the patch of a working copy (host-side git; the sandbox sees <c>.git</c> read-only) and judges it.</summary>
public sealed class PatchBuilder(GitCli git)
{
    private static readonly string[] Excluded = [":(exclude,glob)**/bin/**", ":(exclude,glob)**/obj/**", ":(exclude,glob)**/node_modules/**"];

    /// <summary>Stages everything (new files too, build output excluded) and diffs it against <paramref name="headSha"/>; null when nothing changed.</summary>
    public async Task<Patch?> BuildAsync(string workspace, string headSha, long maxBytes, CancellationToken cancellationToken)
    {
        string[] safe = ["-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "-c", "diff.external="];
        await git.RunCheckedAsync(workspace, [.. safe, "add", "--all", "--", ".", .. Excluded], null, cancellationToken);
        var numstat = await git.RunAsync(workspace, [.. safe, "diff", "--cached", "--no-renames", "--no-ext-diff", "--no-textconv", "--numstat", "-z", headSha], null, cancellationToken);
        if (!numstat.Succeeded)
        {
            throw new WorkspaceException($"git diff --numstat failed: {numstat.Error}");
        }

        var files = ParseNumstat(Encoding.UTF8.GetString(numstat.Output));
        if (files.Count == 0)
        {
            return null;
        }

        // One byte over the cap is enough to refuse; never hold an unbounded diff.
        var diff = await git.RunAsync(workspace, [.. safe, "diff", "--cached", "--no-renames", "--no-ext-diff", "--no-textconv", "--binary", "--full-index", headSha], null, cancellationToken, maxOutputBytes: maxBytes + 1);
        if (!diff.Succeeded && !diff.OutputLimitExceeded)
        {
            throw new WorkspaceException($"git diff failed: {diff.Error}");
        }

        return new Patch(Encoding.UTF8.GetString(diff.Output), files);
    }

    public static IReadOnlyList<PatchFile> ParseNumstat(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var files = new List<PatchFile>();
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split('\t', 3);
            if (parts.Length == 3)
            {
                var binary = parts[0] == "-";
                files.Add(new PatchFile(parts[2], binary ? 0 : int.Parse(parts[0], CultureInfo.InvariantCulture), binary ? 0 : int.Parse(parts[1], CultureInfo.InvariantCulture), binary));
            }
        }

        return files;
    }
}

/// <summary>
/// Refuses patches that touch what no automated change may (<see cref="ProtectedFiles"/>: CI files, Agentic's config, and
/// unless the repository allows them build, test, ownership and package-manager files and, outside a dependency fix,
/// lockfiles), the repository's protected paths, or are over the caps. Whoever made the change (a model's diff, a
/// formatter, a fixer script), the same rules hold.
/// </summary>
public static class PatchPolicy
{
    /// <summary>Why <paramref name="patch"/> is refused, or null when it may go on.</summary>
    /// <param name="allowPaths">The repository's <c>allow_paths</c>, as the workflow sent them.</param>
    /// <param name="dependencyFix">A dependency fix: lockfiles and Directory.Packages.props may change.</param>
    public static string? Check(Patch patch, AgenticYaml config, PatchLimits limits, IReadOnlyList<string>? allowPaths = null, bool dependencyFix = false)
    {
        ArgumentNullException.ThrowIfNull(patch);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(limits);
        allowPaths ??= [];
        var globs = config.ProtectedPaths.Select(p => new PathGlob(p)).ToList();
        foreach (var file in patch.Files)
        {
            if (ProtectedFiles.Problem(file.Path, allowPaths, dependencyFix) is { } denied)
            {
                return "the patch was refused: " + denied;
            }

            if (globs.FirstOrDefault(g => g.IsMatch(file.Path)) is { } glob)
            {
                return $"the patch touches {file.Path}, protected by the repository ({glob})";
            }
        }

        if (patch.Files.Count > limits.MaxFilesChanged)
        {
            return $"the patch changes {patch.Files.Count} files (at most {limits.MaxFilesChanged})";
        }

        if (patch.LinesChanged > limits.MaxLinesChanged)
        {
            return $"the patch changes {patch.LinesChanged} lines (at most {limits.MaxLinesChanged})";
        }

        return patch.Bytes > limits.MaxBytes ? $"the patch is over {limits.MaxBytes} bytes" : null;
    }
}
