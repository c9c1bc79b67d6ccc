using System.Text;
using Agentic.Patches;

namespace Agentic.CommandDispatcher.Validation;

/// <summary>
/// Takes the unified diff out of a model's answer and checks it cheaply before it is dispatched: a unified diff with
/// hunks whose counts match their lines (read by <see cref="UnifiedDiff"/>, so a line inside a hunk is never taken for a
/// header); paths (in <c>diff --git</c> headers as in <c>---</c>/<c>+++</c> lines) relative, inside the repository, never
/// in a <c>.git</c> directory, <c>.github/workflows</c> or <c>.github/actions</c>, nor any other file
/// <see cref="ProtectedFiles"/> protects unless the repository allows it; existing files only among those the
/// model was shown (new files anywhere else), also for a header without hunks (a mode change, an empty file); no
/// renames, copies, binary patches, symbolic links or submodules; within the size caps. The Executor checks every path
/// again against the real working copy; the text is only ever given to <c>git apply</c> on standard input, never to a shell.
/// </summary>
public static class ProposedDiff
{
    /// <summary>What the model answers when it cannot propose a fix.</summary>
    public const string NoFixMarker = "NO_FIX:";

    /// <summary>The diff in <paramref name="reply"/>: the first fenced block that holds one, or the whole answer when it is one; null otherwise.</summary>
    public static string? Extract(string? reply)
    {
        if (string.IsNullOrWhiteSpace(reply))
        {
            return null;
        }

        var text = reply.Replace("\r\n", "\n", StringComparison.Ordinal);
        var start = 0;
        while (text.IndexOf("```", start, StringComparison.Ordinal) is var open and >= 0)
        {
            var bodyStart = text.IndexOf('\n', open);
            if (bodyStart < 0)
            {
                break;
            }

            var close = text.IndexOf("\n```", bodyStart, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            var body = text[(bodyStart + 1)..(close + 1)];
            if (LooksLikeDiff(body))
            {
                return body;
            }

            start = close + 4;
        }

        var trimmed = text.TrimStart('\n');
        return LooksLikeDiff(trimmed) ? (trimmed.EndsWith('\n') ? trimmed : trimmed + "\n") : null;
    }

    /// <summary>The first problem with <paramref name="diff"/>, or null when it may be dispatched.</summary>
    /// <param name="shownFiles">The existing files the model was shown; only these may be modified or deleted.</param>
    /// <param name="allowPaths">The repository's <c>allow_paths</c>: default-protected paths it opens (<see cref="ProtectedFiles"/>).</param>
    /// <param name="dependencyFix">A dependency fix: lockfiles and Directory.Packages.props may change.</param>
    public static string? Check(string diff, IReadOnlySet<string> shownFiles, int maxBytes, int maxChangedFiles, IReadOnlyList<string>? allowPaths = null, bool dependencyFix = false)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(shownFiles);
        allowPaths ??= [];
        if (Encoding.UTF8.GetByteCount(diff) > maxBytes)
        {
            return $"the proposed diff is over {maxBytes} bytes";
        }

        var read = UnifiedDiff.Read(diff);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in read.Files)
        {
            if ((FileProblem(file, shownFiles) ?? file.Paths.Select(p => ProtectedFiles.Problem(p, allowPaths, dependencyFix)).FirstOrDefault(p => p is not null)) is { } problem)
            {
                return problem;
            }

            changed.Add(file.NewPath ?? file.OldPath!);
        }

        if (read.Problem is { } malformed)
        {
            return malformed;
        }

        if (changed.Count == 0 || read.HunkCount == 0)
        {
            return "not a unified diff (no file headers or no hunks)";
        }

        return changed.Count > maxChangedFiles ? $"the proposed diff changes {changed.Count} files, over the cap of {maxChangedFiles}" : null;
    }

    /// <summary>A repository-relative path that may be named in a diff, or the reason it may not.</summary>
    public static string? PathProblem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length is 0 or > 400 || path.StartsWith('/') || path.Contains('\\', StringComparison.Ordinal) || path.Contains(':', StringComparison.Ordinal)
            || path.Any(char.IsControl) || path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return $"'{Shorten(path)}' is not a plain repository-relative path";
        }

        if (path.Split('/').Any(segment => segment.Equals(".git", StringComparison.OrdinalIgnoreCase)))
        {
            return $"'{path}': the .git directory is never changed";
        }

        return CiFiles.Problem(path);
    }

    /// <summary>
    /// One file of the diff: no rename or copy, plain paths, no binary patch, link or submodule; it changes a file the
    /// model was shown or creates one that does not exist. A file with no <c>---</c>/<c>+++</c> lines (a mode change, an
    /// empty file created or deleted) is held to the same rules.
    /// </summary>
    private static string? FileProblem(DiffFile file, IReadOnlySet<string> shownFiles)
    {
        if (file.IsRenamed || file.IsCopied)
        {
            return file.IsGit ? "renames and copies are not accepted" : "renames are not accepted";
        }

        if (file.Paths.Select(PathProblem).FirstOrDefault(p => p is not null) is { } pathProblem)
        {
            return pathProblem;
        }

        if (file.UnsupportedContent is { } unsupported)
        {
            return unsupported;
        }

        if (file.OldPath is { } oldPath)
        {
            return shownFiles.Contains(oldPath) ? null : $"'{oldPath}' was not among the files the model was shown";
        }

        return file.NewPath is not { } newPath ? "a file header names no path"
            : shownFiles.Contains(newPath) ? $"'{newPath}' exists; it must be changed, not created"
            : null;
    }

    private static bool LooksLikeDiff(string text) =>
        (text.StartsWith("diff --git ", StringComparison.Ordinal) || text.StartsWith("--- ", StringComparison.Ordinal))
        && text.Contains("\n+++ ", StringComparison.Ordinal) && text.Contains("\n@@ ", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
