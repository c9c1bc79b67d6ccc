namespace Agentic.Executor.Commands;

/// <summary>Checks shared by the commands: relative repository paths only, known keys only.</summary>
public static class ArgumentRules
{
    public static string? OnlyKeys(IReadOnlyDictionary<string, string> arguments, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var unknown = arguments.Keys.Where(k => !allowed.Contains(k, StringComparer.Ordinal)).ToList();
        return unknown.Count == 0 ? null : $"unknown argument(s) {string.Join(", ", unknown)}; allowed: {string.Join(", ", allowed)}";
    }

    /// <summary>A path inside the repository: relative, forward slashes, no <c>..</c>, no <c>.git</c>, no option-like start.</summary>
    public static string? RepositoryPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path.Length > 4096)
        {
            return "an empty or overlong path";
        }

        if (path.StartsWith('/') || path.StartsWith('-') || path.Contains('\\', StringComparison.Ordinal) || path.Any(char.IsControl))
        {
            return $"'{path}' is not a relative repository path";
        }

        var segments = path.Split('/');
        if (segments.Any(s => s is ".." || s.Equals(".git", StringComparison.OrdinalIgnoreCase)) || segments.Any(s => s.Length == 0))
        {
            return $"'{path}' leaves the repository or touches .git";
        }

        return null;
    }

    /// <summary>True when <paramref name="path"/> or a folder on the way to it is a symbolic link in the working copy.</summary>
    public static bool CrossesSymlink(string workspace, string path)
    {
        var current = workspace;
        foreach (var segment in path.Split('/'))
        {
            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is not null)
            {
                return true;
            }

            if (!info.Exists && !Directory.Exists(current))
            {
                return false;
            }
        }

        return false;
    }
}
