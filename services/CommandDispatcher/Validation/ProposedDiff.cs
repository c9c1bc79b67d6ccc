using System.Text;

namespace Agentic.CommandDispatcher.Validation;

/// <summary>
/// Takes the unified diff out of a model's answer and checks it cheaply before it is dispatched: a unified diff with
/// hunks; paths (in <c>diff --git</c> headers as in <c>---</c>/<c>+++</c> lines) relative, inside the repository, never
/// in a <c>.git</c> directory or <c>.github/workflows</c>; existing files only among those the model was shown (new
/// files anywhere else), also for a header without hunks (a mode change, an empty file); no renames, copies, binary
/// patches, symbolic links or submodules; within the size caps. The Executor checks every path again against the real working copy; the text
/// is only ever given to <c>git apply</c> on standard input, never to a shell.
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
    public static string? Check(string diff, IReadOnlySet<string> shownFiles, int maxBytes, int maxChangedFiles)
    {
        ArgumentNullException.ThrowIfNull(diff);
        ArgumentNullException.ThrowIfNull(shownFiles);
        if (Encoding.UTF8.GetByteCount(diff) > maxBytes)
        {
            return $"the proposed diff is over {maxBytes} bytes";
        }

        var changed = new HashSet<string>(StringComparer.Ordinal);
        var hunks = 0;
        string? oldPath = null;

        // The current `diff --git` section: its path, whether it creates the file, whether ---/+++ lines followed.
        // A section without them (a mode change, an empty file created or deleted) still changes its path.
        string? headerPath = null;
        var headerCreates = false;
        var headerHasFileLines = false;
        foreach (var line in diff.Split('\n'))
        {
            if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                if (HeaderOnlyProblem(headerPath, headerCreates, headerHasFileLines, shownFiles, changed) is { } previous)
                {
                    return previous;
                }

                if (line.Contains('"', StringComparison.Ordinal))
                {
                    return "quoted paths are not accepted";
                }

                var header = GitHeaderPath(line["diff --git ".Length..].TrimEnd());
                if (header.Problem is { } problem)
                {
                    return problem;
                }

                (headerPath, headerCreates, headerHasFileLines, oldPath) = (header.Path, false, false, null);
            }
            else if (line.StartsWith("--- ", StringComparison.Ordinal))
            {
                var path = PathOf(line, "a/");
                if (path is { Problem: { } problem })
                {
                    return problem;
                }

                oldPath = path?.Path;
            }
            else if (line.StartsWith("+++ ", StringComparison.Ordinal))
            {
                var path = PathOf(line, "b/");
                if (path is { Problem: { } problem })
                {
                    return problem;
                }

                var target = path?.Path ?? oldPath;
                if (target is null)
                {
                    return "a file header names no path";
                }

                if (oldPath is not null && path?.Path is { } newPath && !string.Equals(oldPath, newPath, StringComparison.Ordinal))
                {
                    return "renames are not accepted";
                }

                if (oldPath is not null && !shownFiles.Contains(oldPath))
                {
                    return $"'{oldPath}' was not among the files the model was shown";
                }

                if (oldPath is null && shownFiles.Contains(target))
                {
                    return $"'{target}' exists; it must be changed, not created";
                }

                changed.Add(target);
                oldPath = null;
                headerHasFileLines = true;
            }
            else if (line.StartsWith("@@ ", StringComparison.Ordinal))
            {
                hunks++;
            }
            else if (line.StartsWith("GIT binary patch", StringComparison.Ordinal) || (line.StartsWith("Binary files ", StringComparison.Ordinal) && line.EndsWith(" differ", StringComparison.Ordinal)))
            {
                return "binary patches are not accepted";
            }
            else if (line.StartsWith("rename ", StringComparison.Ordinal) || line.StartsWith("copy ", StringComparison.Ordinal) || line.StartsWith("similarity index", StringComparison.Ordinal))
            {
                return "renames and copies are not accepted";
            }
            else if ((line.StartsWith("new file mode ", StringComparison.Ordinal) || line.StartsWith("new mode ", StringComparison.Ordinal)
                || line.StartsWith("old mode ", StringComparison.Ordinal) || line.StartsWith("deleted file mode ", StringComparison.Ordinal) || line.StartsWith("index ", StringComparison.Ordinal))
                && (line.Contains("120000", StringComparison.Ordinal) || line.Contains("160000", StringComparison.Ordinal)))
            {
                return "symbolic links and submodules are not accepted";
            }
            else if (line.StartsWith("new file mode ", StringComparison.Ordinal))
            {
                headerCreates = true;
            }
        }

        if (HeaderOnlyProblem(headerPath, headerCreates, headerHasFileLines, shownFiles, changed) is { } last)
        {
            return last;
        }

        if (changed.Count == 0 || hunks == 0)
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

        return path.StartsWith(".github/workflows/", StringComparison.OrdinalIgnoreCase) ? $"'{path}': workflow files are never changed" : null;
    }

    /// <summary>The path of a <c>diff --git a/PATH b/PATH</c> header (after <c>diff --git </c>), which must name one path twice.</summary>
    private static (string? Path, string? Problem) GitHeaderPath(string names)
    {
        var length = (names.Length - "a/ b/".Length) / 2;
        var path = length > 0 ? names.Substring(2, length) : "";
        if (length > 0 && names == $"a/{path} b/{path}")
        {
            return (path, PathProblem(path));
        }

        return names.StartsWith("a/", StringComparison.Ordinal) && names.Contains(" b/", StringComparison.Ordinal)
            ? (null, "renames and copies are not accepted")
            : (null, $"'diff --git {Shorten(names)}' is not a header of the form diff --git a/PATH b/PATH");
    }

    /// <summary>
    /// A <c>diff --git</c> section that had no ---/+++ lines changes its path all the same (its mode, or an empty
    /// file created or deleted): the same rules hold as for one with them.
    /// </summary>
    private static string? HeaderOnlyProblem(string? path, bool creates, bool hasFileLines, IReadOnlySet<string> shownFiles, HashSet<string> changed)
    {
        if (path is null || hasFileLines)
        {
            return null;
        }

        if (creates == shownFiles.Contains(path))
        {
            return creates ? $"'{path}' exists; it must be changed, not created" : $"'{path}' was not among the files the model was shown";
        }

        changed.Add(path);
        return null;
    }

    private static (string? Path, string? Problem)? PathOf(string line, string prefix)
    {
        var raw = line[4..].Split('\t')[0].TrimEnd();
        if (raw == "/dev/null")
        {
            return null;
        }

        if (raw.StartsWith('"'))
        {
            return (null, "quoted paths are not accepted");
        }

        if (!raw.StartsWith(prefix, StringComparison.Ordinal))
        {
            return (null, $"'{Shorten(raw)}' must start with {prefix}");
        }

        var path = raw[prefix.Length..];
        return PathProblem(path) is { } problem ? (null, problem) : (path, null);
    }

    private static bool LooksLikeDiff(string text) =>
        (text.StartsWith("diff --git ", StringComparison.Ordinal) || text.StartsWith("--- ", StringComparison.Ordinal))
        && text.Contains("\n+++ ", StringComparison.Ordinal) && text.Contains("\n@@ ", StringComparison.Ordinal);

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}
