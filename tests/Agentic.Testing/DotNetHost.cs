namespace Agentic.Testing;

/// <summary>The <c>dotnet</c> muxer that runs the services: the one running the AppHost when it can be told.</summary>
public static class DotNetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        if (Environment.ProcessPath is { } processPath &&
            string.Equals(System.IO.Path.GetFileNameWithoutExtension(processPath), "dotnet", StringComparison.Ordinal))
        {
            return processPath;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(System.IO.Path.Combine(root, "dotnet")))
        {
            return System.IO.Path.Combine(root, "dotnet");
        }

        return ChildProcessStartInfo.FindExecutable("dotnet") ?? "dotnet";
    }
}
