namespace Agentic.Testing;

/// <summary>Folder creation with Unix permissions (the AppHost runs on Linux; elsewhere the mode is ignored).</summary>
internal static class UnixFolders
{
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode Traversable = Private | UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
                                            UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and its parents) if missing; <paramref name="mode"/> applies to folders it creates.</summary>
    public static void Create(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, mode);
        }
    }

    /// <summary>Sets <paramref name="mode"/> on an existing folder.</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }
}
