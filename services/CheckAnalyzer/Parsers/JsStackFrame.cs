using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.CheckAnalyzer.Parsers;

/// <summary>A JavaScript stack frame (<c>at fn (path:line:col)</c> or <c>at path:line:col</c>) that points into the repository, not into <c>node_modules</c> or Node itself.</summary>
internal static partial class JsStackFrame
{
    /// <summary>The repository-relative location of a frame, or null when the line is no frame or points outside the repository.</summary>
    public static (string File, int Line, int Column)? Read(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.Contains("at ", StringComparison.Ordinal))
        {
            return null;
        }

        var match = Frame().Match(line);
        if (!match.Success)
        {
            return null;
        }

        var file = match.Groups["file"].Value;
        if (file.StartsWith("file://", StringComparison.Ordinal))
        {
            file = file["file://".Length..];
        }

        if (file.StartsWith("node:", StringComparison.Ordinal) || file.Contains("node_modules/", StringComparison.Ordinal) || file.Contains("node_modules\\", StringComparison.Ordinal))
        {
            return null;
        }

        file = PathNormalizer.Normalize(file);
        if (file.StartsWith('/') || file.Contains(':', StringComparison.Ordinal))
        {
            // An absolute path outside a known runner checkout: not a repository path we can name.
            return null;
        }

        return (file, int.Parse(match.Groups["line"].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups["col"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\s*at (?:[^()]*? \()?(?<file>[^\s()]+?):(?<line>\d{1,7}):(?<col>\d{1,7})\)?$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Frame();
}
