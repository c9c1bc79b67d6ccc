using Agentic.Executor.Validation;

namespace Agentic.Executor.Commands.Fixers;

/// <summary>
/// <c>dotnet format whitespace|style|analyzers</c> on the repository's solution or project, limited with
/// <c>--include</c> to the files the failure names (never the whole solution when the log names files) and, for style
/// and analyzers, with <c>--diagnostics</c> to the ids the log reported. Offline: the .NET SDK of the machine, the
/// packages restored by setup. Whitespace needs no build: without a solution or project it formats the folder.
/// </summary>
public sealed class DotnetFormatFixer : Fixer
{
    public override string Name => "dotnet-format";

    public override IReadOnlyList<string> Modes => ["whitespace", "style", "analyzers"];

    public override bool TakesDiagnostics => true;

    public override FixerResolution Resolve(string workspace)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var target = ValidationPlanner.DotnetTarget(workspace);
        if (target is null && !Directory.EnumerateFiles(workspace, "*.cs", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 8, IgnoreInaccessible = true }).Any())
        {
            return FixerResolution.NotDeclared("the repository has no .NET solution, project or C# file");
        }

        if (target is not null && ArgumentRules.CrossesSymlink(workspace, target))
        {
            return FixerResolution.NotDeclared($"'{target}' is a symbolic link");
        }

        return DeclaredTools.OnSandboxPath("dotnet") is not null || SdkOnPath()
            ? FixerResolution.Found("dotnet", target)
            : FixerResolution.NotInstalled("the repository is a .NET one but the .NET SDK is not installed on this machine");
    }

    public override bool WorksOn(string path) => HasExtension(path, ".cs", ".vb");

    public override string? CannotRun(FixerResolution resolution, string mode) =>
        resolution?.Target is null && mode != "whitespace" ? $"dotnet format {mode} needs a solution or project at the repository root, and there is none" : null;

    public override IReadOnlyList<string> Arguments(FixerResolution resolution, string mode, IReadOnlyList<string> paths, IReadOnlyList<string> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(resolution);
        List<string> argv = ["dotnet", "format", mode];
        if (resolution.Target is { } target)
        {
            argv.Add(target);
        }
        else
        {
            // Only whitespace works without a project: the format command refuses style and analyzers before this.
            argv.Add("--folder");
        }

        if (mode != "whitespace")
        {
            // The ids the log reported are fixed whatever their configured severity (a warning made an error by the build).
            argv.AddRange(["--severity", diagnostics.Count > 0 ? "info" : "warn"]);
            if (diagnostics.Count > 0)
            {
                argv.AddRange(["--diagnostics", .. diagnostics]);
            }
        }

        if (paths.Count > 0)
        {
            argv.AddRange(["--include", .. paths]);
        }

        argv.AddRange(["--verbosity", "minimal"]);
        return argv;
    }

    private static bool SdkOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(d => File.Exists(Path.Combine(d, "dotnet")));
}
