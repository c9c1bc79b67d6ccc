using System.Reflection;

namespace Agentic.AppHost.Hosting;

/// <summary>
/// A .NET project of this repository, run from its build output (building the AppHost builds it). Aspire's own
/// project resource starts each through <c>dotnet run</c>: an MSBuild evaluation and a 130 MB host process per
/// service, which on two cores costs seconds at every start and a gigabyte at idle.
/// </summary>
public sealed class BuiltProjectResource(string name, string executable, string projectPath)
    : ExecutableResource(name, executable, Path.GetDirectoryName(projectPath)!), IResourceWithServiceDiscovery
{
    /// <summary>Absolute path of the <c>.csproj</c>.</summary>
    public string ProjectPath { get; } = projectPath;
}

public static class BuiltProjectExtensions
{
    private static readonly Dictionary<string, string?> Build = typeof(BuiltProjectExtensions).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(attribute => attribute.Key, attribute => attribute.Value, StringComparer.Ordinal);

    /// <summary>
    /// The project's apphost in <c>bin/&lt;the AppHost's configuration&gt;/&lt;framework&gt;/</c> (its <c>ready-to-run/</c>
    /// copy when the build compiled one: Directory.Build.targets), with OpenTelemetry sent to the dashboard.
    /// </summary>
    public static IResourceBuilder<BuiltProjectResource> AddBuiltProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        var projectPath = new TProject().ProjectPath;
        var output = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", Build["Agentic.Configuration"] ?? "Debug", Build["Agentic.TargetFramework"] ?? "net10.0");
        var executable = Path.Combine(output, Path.GetFileNameWithoutExtension(projectPath));
        var readyToRun = Path.Combine(output, "ready-to-run", Path.GetFileName(executable));
        if (Build["Agentic.ReadyToRun"] == "true" && File.Exists(readyToRun))
        {
            executable = readyToRun;
        }

        // Production unless the AppHost's own environment says otherwise: Development would show stack traces to callers.
        return builder.AddResource(new BuiltProjectResource(name, executable, projectPath))
            .WithOtlpExporter()
            .WithEnvironment("DOTNET_ENVIRONMENT", Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production")
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production");
    }
}
