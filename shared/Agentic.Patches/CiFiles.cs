namespace Agentic.Patches;

/// <summary>
/// What GitHub runs in CI with the repository's secrets: its workflows and its own (composite or script) actions.
/// No automated change touches them. Paths are compared without case, the more cautious reading.
/// </summary>
public static class CiFiles
{
    private static readonly (string Folder, string What)[] Protected =
    [
        (".github/workflows/", "workflow files"),
        (".github/actions/", "action files"),
    ];

    /// <summary>The protected folder <paramref name="path"/> lies in (e.g. <c>.github/workflows/</c>), or null.</summary>
    public static string? FolderOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Protected.FirstOrDefault(p => path.StartsWith(p.Folder, StringComparison.OrdinalIgnoreCase)).Folder;
    }

    /// <summary>Why <paramref name="path"/> is never changed, or null when it is not a CI file.</summary>
    public static string? Problem(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Protected.FirstOrDefault(p => path.StartsWith(p.Folder, StringComparison.OrdinalIgnoreCase)).What is { } what
            ? $"'{path}': {what} are never changed"
            : null;
    }
}
