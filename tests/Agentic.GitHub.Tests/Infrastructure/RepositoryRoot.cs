namespace Agentic.GitHub.Tests.Infrastructure;

/// <summary>The checkout's root: the first folder above the test binaries that holds Agentic.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "Agentic.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Agentic.sln above {AppContext.BaseDirectory}.");
    }
}
