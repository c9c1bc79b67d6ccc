using System.Reflection;

namespace Agentic.Testing;

/// <summary>What this library's build recorded (see its csproj's AssemblyMetadata): configuration, framework, repository root.</summary>
public static class BuildInfo
{
    private static readonly Dictionary<string, string?> Metadata = typeof(BuildInfo).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .ToDictionary(attribute => attribute.Key, attribute => attribute.Value, StringComparer.Ordinal);

    /// <summary>Debug or Release: the services run from the same configuration's output.</summary>
    public static string Configuration => Metadata.GetValueOrDefault("Agentic.Configuration") ?? "Debug";

    public static string TargetFramework => Metadata.GetValueOrDefault("Agentic.TargetFramework") ?? "net10.0";

    /// <summary>The repository root: as recorded at build time, else found by walking up from the binaries.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary><c>services/&lt;folder&gt;</c>: a service's project folder (its working directory when run).</summary>
    public static string ServiceDirectory(string folder) => Path.Combine(RepositoryRoot, "services", folder);

    /// <summary>A service's built assembly, <c>Agentic.&lt;folder&gt;.dll</c>, in the same configuration as this library.</summary>
    public static string ServiceAssembly(string folder) => ProjectAssembly(Path.Combine(ServiceDirectory(folder), $"Agentic.{folder}.csproj"));

    /// <summary>Any project's built assembly (named after the project file), in the same configuration as this library.</summary>
    public static string ProjectAssembly(string projectPath) =>
        Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", Configuration, TargetFramework, Path.GetFileNameWithoutExtension(projectPath) + ".dll");

    private static string FindRepositoryRoot()
    {
        if (Metadata.GetValueOrDefault("Agentic.RepositoryRoot") is { Length: > 0 } recorded && IsRepositoryRoot(recorded))
        {
            return recorded;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (IsRepositoryRoot(directory.FullName))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"Cannot find the Agentic repository root (Agentic.sln) above {AppContext.BaseDirectory}; run the AppHost from its build output.");
    }

    private static bool IsRepositoryRoot(string directory) =>
        File.Exists(Path.Combine(directory, "Agentic.sln")) ||
        File.Exists(Path.Combine(directory, "Agentic.slnx")) ||
        (File.Exists(Path.Combine(directory, "Directory.Packages.props")) && Directory.Exists(Path.Combine(directory, "AppHost")));
}
