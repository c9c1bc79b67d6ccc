namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>Turns the absolute paths CI runners print into repository-relative ones.</summary>
public static class PathNormalizer
{
    private static readonly string[] RunnerRoots = ["/home/runner/work/", "D:\\a\\", "D:/a/", "/Users/runner/work/", "C:\\a\\"];

    public static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var result = path.Trim().Trim('"', '\'').Replace('\\', '/');
        foreach (var root in RunnerRoots)
        {
            var normalizedRoot = root.Replace('\\', '/');
            var index = result.IndexOf(normalizedRoot, StringComparison.OrdinalIgnoreCase);
            if (index >= 0)
            {
                // <root><repo>/<repo>/path
                var rest = result[(index + normalizedRoot.Length)..];
                var parts = rest.Split('/', 3);
                return parts.Length == 3 ? parts[2] : rest;
            }
        }

        if (result.StartsWith("/__w/", StringComparison.Ordinal))
        {
            var parts = result["/__w/".Length..].Split('/', 3);
            return parts.Length == 3 ? parts[2] : result;
        }

        return result.StartsWith("./", StringComparison.Ordinal) ? result[2..] : result;
    }
}
