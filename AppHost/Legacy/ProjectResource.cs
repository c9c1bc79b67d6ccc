namespace Agentic.AppHost.Hosting;

/// <summary>A .NET project of this repository, run from its build output as <c>dotnet &lt;assembly&gt;.dll</c>.</summary>
public sealed class ProjectResource(string name, string projectPath) : Resource(name)
{
    public override string Type => "project";

    /// <summary>Absolute path of the <c>.csproj</c>.</summary>
    public string ProjectPath { get; } = projectPath;

    public string ProjectDirectory => Path.GetDirectoryName(ProjectPath)!;

    /// <summary><c>bin/&lt;Configuration&gt;/&lt;TargetFramework&gt;/&lt;project name&gt;.dll</c>, as built with the AppHost.</summary>
    public string AssemblyPath => Path.Combine(
        ProjectDirectory, "bin", BuildInfo.Configuration, BuildInfo.TargetFramework, Path.GetFileNameWithoutExtension(ProjectPath) + ".dll");

    /// <summary>The base URL (<c>http://127.0.0.1:N</c>) once a port is chosen.</summary>
    public Uri? Url { get; internal set; }
}
